/*
 * units.c: fuzz the unit catalogue of fw-apply, fwconf_units_parse
 * (lib/units.c, over libconfuse), on arbitrary text.
 *
 * It must not crash, overrun or leak, and refuses with a message.  A
 * catalogue it loads holds only what fw-apply relies on: unique names, an
 * absolute bare target for every file, a check, the command its soft
 * needs, placeholders no other than %f %t %d %%, and a definition that
 * names the unit.  Loading the same text again replaces, never adds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwconf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void __attribute__((noreturn))
broken(const char *what, const char *unit)
{
	fprintf(stderr, "fuzz units: %s: %s\n", what, unit ? unit : "-");
	abort();
}

static bool
placeholders_ok(const char *cmd)
{
	const char *p;

	for (p = cmd; p != NULL && (p = strchr(p, '%')) != NULL; p += 2)
		if (p[1] == '\0' || strchr("ftd%", p[1]) == NULL)
			return false;
	return true;
}

static void
check_unit(const struct fwconf_units *us, const struct fwconf_unit *u)
{
	size_t i;

	if (fwconf_unit_find(us, u->name) != u)
		broken("not found by its name, or twice", u->name);
	if (u->nfiles == 0 || u->check == NULL)
		broken("no file or no check", u->name);
	for (i = 0; i < u->nfiles; i++) {
		const char *t = u->files[i].target;

		if (t == NULL || t[0] != '/' || !fwconf_is_bare(t) ||
		    strstr(t, "/..") != NULL || u->files[i].render == NULL ||
		    !placeholders_ok(u->files[i].render))
			broken("a bad file", u->name);
	}
	if ((u->soft == FWCONF_SOFT_RELOAD && u->reload == NULL) ||
	    (u->soft != FWCONF_SOFT_RELOAD && u->restart == NULL))
		broken("soft without its command", u->name);
	if (!placeholders_ok(u->check) || !placeholders_ok(u->reload) ||
	    !placeholders_ok(u->restart) || !placeholders_ok(u->start) ||
	    !placeholders_ok(u->stop))
		broken("an unknown placeholder got through", u->name);
	if (u->definition == NULL || strstr(u->definition, u->name) == NULL)
		broken("a definition without the unit", u->name);
	if ((u->enable_file == NULL) != (u->enable_key == NULL))
		broken("half an enable key", u->name);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fwconf_units us = { 0 };
	struct fwconf_err e;
	size_t i, n;
	char *text;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&e, 0, sizeof(e));
	if (fwconf_units_parse(&us, text, "fuzz", &e) == 0) {
		for (i = 0; i < us.n; i++)
			check_unit(&us, &us.v[i]);
		n = us.n;
		if (fwconf_units_parse(&us, text, "again", &e) != 0 || us.n != n)
			broken("the same text again added units", NULL);
	} else if (e.msg[0] == '\0')
		broken("refused without a message", NULL);
	fwconf_units_free(&us);
	free(text);
	return 0;
}
