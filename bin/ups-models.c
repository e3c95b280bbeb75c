/*
 * ups-models.c: read DATADIR/ups-models, the UPS models fw-ups knows.
 *
 *	# comment
 *	NAME  DRIVER  CONNECTION  [OPTION=VALUE | FLAG] ...
 *
 * Fields are separated by blanks; '#' starts a comment anywhere.
 * NAME is letters, digits and _.+-; DRIVER a program of /lib/nut (no
 * slash); CONNECTION usb, serial or usb,serial; each OPTION a driver
 * option that fw-ups writes into ups.conf for this model.  A NAME
 * appears once.  The file is data shipped with mpfw, so a line it cannot
 * read is a broken system (exit 3), never silently skipped.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ups-models.h"

bool
ups_option_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 64)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

static bool
word_ok(const char *w, const char *extra, size_t max)
{
	size_t i, n = strlen(w);

	if (n == 0 || n > max)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)w[i]) && strchr(extra, w[i]) == NULL)
			return false;
	return true;
}

/* An option word: name, or name=value with a printable ASCII value. */
static bool
option_ok(const char *w)
{
	const char *eq = strchr(w, '=');
	const char *v;

	if (eq == NULL)
		return ups_option_name_ok(w, strlen(w));
	if (!ups_option_name_ok(w, (size_t)(eq - w)) || eq[1] == '\0')
		return false;
	for (v = eq + 1; *v != '\0'; v++)
		if (*v <= ' ' || *v >= 0x7f)
			return false;
	return true;
}

static void
model_free(struct nut_model *m)
{
	size_t i;

	free(m->name);
	free(m->driver);
	for (i = 0; i < m->noptions; i++)
		free(m->options[i]);
	free(m->options);
}

void
ups_models_free(struct ups_models *ms)
{
	size_t i;

	for (i = 0; i < ms->n; i++)
		model_free(&ms->v[i]);
	free(ms->v);
	ms->v = NULL;
	ms->n = 0;
}

const struct nut_model *
ups_model_find(const struct ups_models *ms, const char *name)
{
	size_t i;

	for (i = 0; i < ms->n; i++)
		if (strcmp(ms->v[i].name, name) == 0)
			return &ms->v[i];
	return NULL;
}

static int
parse_line(struct ups_models *ms, char *line, const char *origin,
    size_t lineno, struct fwconf_err *e)
{
	struct nut_model m = { 0 }, *v;
	char *w[4], *opt, *save = NULL, **opts;
	size_t i;

	line[strcspn(line, "#")] = '\0';
	for (i = 0; i < 3; i++)
		if ((w[i] = strtok_r(i == 0 ? line : NULL, " \t", &save)) ==
		    NULL)
			break;
	if (i == 0)
		return 0;
	if (i < 3)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s:%zu: want NAME DRIVER "
		    "CONNECTION [OPTION ...]", origin, lineno);
	if (!word_ok(w[0], "_.+-", 64))
		return fwconf_fail(e, FWCONF_SYSTEM, "%s:%zu: %.64s: a model "
		    "name is letters, digits and _.+-", origin, lineno, w[0]);
	if (ups_model_find(ms, w[0]) != NULL)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s:%zu: %s: named twice",
		    origin, lineno, w[0]);
	if (!word_ok(w[1], "_-", 64))
		return fwconf_fail(e, FWCONF_SYSTEM, "%s:%zu: %.64s: not a "
		    "driver name", origin, lineno, w[1]);
	if (strcmp(w[2], "usb") == 0)
		m.usb = true;
	else if (strcmp(w[2], "serial") == 0)
		m.serial = true;
	else if (strcmp(w[2], "usb,serial") == 0 ||
	    strcmp(w[2], "serial,usb") == 0)
		m.usb = m.serial = true;
	else
		return fwconf_fail(e, FWCONF_SYSTEM, "%s:%zu: %.64s: the "
		    "connection is usb, serial or usb,serial", origin, lineno,
		    w[2]);
	if ((m.name = strdup(w[0])) == NULL || (m.driver = strdup(w[1])) ==
	    NULL)
		goto nomem;
	while ((opt = strtok_r(NULL, " \t", &save)) != NULL) {
		if (!option_ok(opt)) {
			fwconf_fail(e, FWCONF_SYSTEM, "%s:%zu: %.64s: not a "
			    "driver option (name=value or name)", origin,
			    lineno, opt);
			model_free(&m);
			return -1;
		}
		if ((opts = reallocarray(m.options, m.noptions + 1,
		    sizeof(*opts))) == NULL)
			goto nomem;
		m.options = opts;
		if ((m.options[m.noptions] = strdup(opt)) == NULL)
			goto nomem;
		m.noptions++;
	}
	if ((v = reallocarray(ms->v, ms->n + 1, sizeof(*v))) == NULL)
		goto nomem;
	ms->v = v;
	ms->v[ms->n++] = m;
	return 0;
nomem:
	model_free(&m);
	return fwconf_fail_errno(e, "%s", origin);
}

int
ups_models_parse(struct ups_models *ms, const char *text, const char *origin,
    struct fwconf_err *e)
{
	const char *p = text, *nl;
	char *line;
	size_t lineno = 0, len;
	int r = 0;

	ms->v = NULL;
	ms->n = 0;
	for (; *p != '\0' && r == 0; p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		len = (size_t)(nl - p);
		lineno++;
		if ((line = strndup(p, len)) == NULL)
			return fwconf_fail_errno(e, "%s", origin);
		r = parse_line(ms, line, origin, lineno, e);
		free(line);
	}
	if (r == -1)
		ups_models_free(ms);
	return r;
}

int
ups_models_load(struct ups_models *ms, struct fwconf_err *e)
{
	char path[4096], *buf;
	size_t len;
	int r;

	if ((size_t)snprintf(path, sizeof(path), "%s/ups-models",
	    fwconf_datadir()) >= sizeof(path))
		return fwconf_fail(e, FWCONF_SYSTEM, "ups-models: path too "
		    "long");
	if ((r = fwconf_read_all(path, &buf, &len, NULL, e)) == -1)
		return -1;
	if (r == 1)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: %s", path,
		    strerror(ENOENT));
	if (memchr(buf, '\0', len) != NULL) {
		free(buf);
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: a NUL byte", path);
	}
	r = ups_models_parse(ms, buf, path, e);
	free(buf);
	return r;
}
