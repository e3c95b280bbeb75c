/*
 * file.c: a settings file of fwconf(5), kept line by line so that comments,
 * blank lines and unknown keys survive a rewrite in place.
 *
 *	file    = *( line LF )
 *	line    = blank / comment / setting
 *	blank   = *( SP / HTAB )
 *	comment = *( SP / HTAB ) "#" *( any byte but LF )
 *	setting = key "=" value          ; value: see value.c
 *	key     = ( ALPHA / "_" ) *( ALPHA / DIGIT / "_" )
 *
 * When a key appears twice the last one wins, as when sh sources the file.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fwconf.h"

static bool
valid_key(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || isdigit((unsigned char)s[0]))
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

static struct fwconf_line *
add_line(struct fwconf_file *f)
{
	struct fwconf_line *l;
	size_t cap;

	if (f->nlines == f->cap) {
		cap = f->cap ? f->cap * 2 : 64;
		l = reallocarray(f->lines, cap, sizeof(*l));
		if (l == NULL)
			return NULL;
		f->lines = l;
		f->cap = cap;
	}
	l = &f->lines[f->nlines++];
	memset(l, 0, sizeof(*l));
	return l;
}

static int
parse_line(struct fwconf_file *f, const char *s, size_t n, size_t lineno,
    struct fwconf_err *e)
{
	struct fwconf_line *l;
	const char *eq, *why, *p;
	struct fwconf_err verr;

	if ((l = add_line(f)) == NULL || (l->text = strndup(s, n)) == NULL)
		return fwconf_fail_errno(e, "%s", f->path);
	if (memchr(s, '\0', n) != NULL)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s:%zu: NUL byte",
		    f->path, lineno);
	for (p = l->text; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '\0' || *p == '#')
		return 0;
	eq = strchr(l->text, '=');
	if (eq == NULL || !valid_key(l->text, (size_t)(eq - l->text)))
		return fwconf_fail(e, FWCONF_SYSTEM,
		    "%s:%zu: not a comment nor key=value", f->path, lineno);
	if ((l->key = strndup(l->text, (size_t)(eq - l->text))) == NULL)
		return fwconf_fail_errno(e, "%s", f->path);
	if (fwconf_unquote(eq + 1, &l->value, &why) == -1) {
		if (why == NULL)
			return fwconf_fail_errno(e, "%s", f->path);
		return fwconf_fail(e, FWCONF_SYSTEM, "%s:%zu: %s: %s", f->path,
		    lineno, l->key, why);
	}
	if (!fwconf_value_ok(l->value, &verr, l->key))
		return fwconf_fail(e, FWCONF_SYSTEM, "%s:%zu: %s", f->path,
		    lineno, verr.msg);
	return 0;
}

int
fwconf_file_parse(struct fwconf_file *f, const char *buf, size_t len,
    struct fwconf_err *e)
{
	const char *p = buf, *end = buf + len, *nl;
	size_t lineno = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (parse_line(f, p, (size_t)(nl - p), ++lineno, e) == -1)
			return -1;
		p = nl + 1;
	}
	return 0;
}

/* A missing file reads as empty: every key then has its default. */
int
fwconf_file_read(struct fwconf_file *f, const char *path, struct fwconf_err *e)
{
	struct stat st;
	char *buf;
	size_t len;
	int r;

	memset(f, 0, sizeof(*f));
	if ((f->path = strdup(path)) == NULL)
		return fwconf_fail_errno(e, "%s", path);
	if ((r = fwconf_read_all(path, &buf, &len, &st, e)) == -1)
		return -1;
	if (r == 1)
		return 0;
	f->exists = true;
	f->mode = st.st_mode & 07777;
	f->uid = st.st_uid;
	f->gid = st.st_gid;
	r = fwconf_file_parse(f, buf, len, e);
	free(buf);
	return r;
}

void
fwconf_file_free(struct fwconf_file *f)
{
	size_t i;

	for (i = 0; i < f->nlines; i++) {
		free(f->lines[i].text);
		free(f->lines[i].key);
		free(f->lines[i].value);
	}
	free(f->lines);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

static struct fwconf_line *
find_last(const struct fwconf_file *f, const char *key)
{
	size_t i;

	for (i = f->nlines; i-- > 0;)
		if (f->lines[i].key != NULL && strcmp(f->lines[i].key, key) == 0)
			return &f->lines[i];
	return NULL;
}

/* The value in the file, or NULL when the key has no line. */
const char *
fwconf_file_get(const struct fwconf_file *f, const char *key)
{
	struct fwconf_line *l = find_last(f, key);

	return l != NULL ? l->value : NULL;
}

/* Rewrite the key's line in place, or append one; value is raw. */
int
fwconf_file_set(struct fwconf_file *f, const char *key, const char *value)
{
	struct fwconf_line *l = find_last(f, key);
	char *quoted, *text, *v;

	if (l != NULL && strcmp(l->value, value) == 0)
		return 0;
	if ((quoted = fwconf_quote(value)) == NULL)
		return -1;
	if (asprintf(&text, "%s=%s", key, quoted) == -1) {
		free(quoted);
		return -1;
	}
	free(quoted);
	if ((v = strdup(value)) == NULL ||
	    (l == NULL && ((l = add_line(f)) == NULL ||
	    (l->key = strdup(key)) == NULL))) {
		free(v);
		free(text);
		return -1;
	}
	if (l->text != NULL)		/* it may have been a secret */
		explicit_bzero(l->text, strlen(l->text));
	if (l->value != NULL)
		explicit_bzero(l->value, strlen(l->value));
	free(l->text);
	free(l->value);
	l->text = text;
	l->value = v;
	f->changed = true;
	return 0;
}

/* Remove every line of the key, so no older line shows through. */
void
fwconf_file_unset(struct fwconf_file *f, const char *key)
{
	size_t i, j;

	for (i = j = 0; i < f->nlines; i++) {
		struct fwconf_line *l = &f->lines[i];

		if (l->key != NULL && strcmp(l->key, key) == 0) {
			explicit_bzero(l->text, strlen(l->text));
			explicit_bzero(l->value, strlen(l->value));
			free(l->text);
			free(l->key);
			free(l->value);
			f->changed = true;
		} else
			f->lines[j++] = *l;
	}
	f->nlines = j;
}

char *
fwconf_file_text(const struct fwconf_file *f, size_t *lenp)
{
	size_t i, len = 0;
	char *buf, *p;

	for (i = 0; i < f->nlines; i++)
		len += strlen(f->lines[i].text) + 1;
	if ((buf = malloc(len + 1)) == NULL)
		return NULL;
	for (p = buf, i = 0; i < f->nlines; i++) {
		size_t n = strlen(f->lines[i].text);
		memcpy(p, f->lines[i].text, n);
		p[n] = '\n';
		p += n + 1;
	}
	*p = '\0';
	*lenp = len;
	return buf;
}

/* Write the file if it changed; an existing file keeps mode and owner. */
int
fwconf_file_write(struct fwconf_file *f, mode_t newmode, struct fwconf_err *e)
{
	size_t len;
	char *text;
	int r;

	if (!f->changed)
		return 0;
	if ((text = fwconf_file_text(f, &len)) == NULL)
		return fwconf_fail_errno(e, "%s", f->path);
	r = fwconf_write_atomic(f->path, text, len,
	    f->exists ? f->mode : newmode,
	    f->exists ? f->uid : (uid_t)-1, f->exists ? f->gid : (gid_t)-1, e);
	free(text);
	if (r == 0) {
		f->changed = false;
		f->exists = true;
	}
	return r;
}
