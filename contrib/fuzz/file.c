/*
 * file.c: fuzz the settings-file parser, fwconf_file_parse (lib/file.c).
 *
 * On any bytes it must not crash, overrun or leak.  When the bytes parse:
 *  - every value passes fwconf_value_ok (no newline, NUL or control
 *    character can reach a file);
 *  - fwconf_file_text gives text that parses again, line for line, to the
 *    same keys and values;
 *  - a new file made of fwconf_file_set of every key's value (each value
 *    written anew by fwconf_quote) parses again to the same values.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwconf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void __attribute__((noreturn))
broken(const char *what, const char *key, const char *value)
{
	fprintf(stderr, "fuzz file: %s: key %s, value '%s'\n", what,
	    key != NULL ? key : "-", value != NULL ? value : "-");
	abort();
}

static void
open_mem(struct fwconf_file *f)
{
	memset(f, 0, sizeof(*f));
	if ((f->path = strdup("fuzz")) == NULL)
		abort();
}

static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fwconf_file f, g, h;
	struct fwconf_err e;
	const char *v;
	char *text, *text2;
	size_t i, len, len2;

	open_mem(&f);
	if (fwconf_file_parse(&f, (const char *)data, size, &e) == -1) {
		if (e.status != FWCONF_SYSTEM || e.msg[0] == '\0')
			broken("a parse error without a message", NULL, NULL);
		fwconf_file_free(&f);
		return 0;
	}
	for (i = 0; i < f.nlines; i++) {
		if (f.lines[i].text == NULL)
			broken("a line without text", NULL, NULL);
		if (f.lines[i].key == NULL)
			continue;
		if (f.lines[i].value == NULL)
			broken("a key without a value", f.lines[i].key, NULL);
		if (!fwconf_value_ok(f.lines[i].value, &e, f.lines[i].key))
			broken("a parsed value fails fwconf_value_ok",
			    f.lines[i].key, f.lines[i].value);
	}

	/* The text as it would be written parses to the same lines. */
	if ((text = fwconf_file_text(&f, &len)) == NULL)
		abort();
	if (strlen(text) != len)
		broken("fwconf_file_text: length differs", NULL, NULL);
	open_mem(&g);
	if (fwconf_file_parse(&g, text, len, &e) == -1)
		broken("the written text does not parse again", NULL, e.msg);
	if (g.nlines != f.nlines)
		broken("the written text has other lines", NULL, NULL);
	for (i = 0; i < f.nlines; i++)
		if (!same(f.lines[i].key, g.lines[i].key) ||
		    !same(f.lines[i].value, g.lines[i].value) ||
		    !same(f.lines[i].text, g.lines[i].text))
			broken("a line changed in the round trip",
			    f.lines[i].key, f.lines[i].value);
	/* Written twice, the same bytes. */
	if ((text2 = fwconf_file_text(&g, &len2)) == NULL)
		abort();
	if (len2 != len || memcmp(text, text2, len) != 0)
		broken("the text changed when written again", NULL, NULL);
	free(text2);
	free(text);

	/* Every value written anew, quoted by fwconf_quote. */
	open_mem(&h);
	for (i = 0; i < f.nlines; i++)
		if (f.lines[i].key != NULL &&
		    fwconf_file_set(&h, f.lines[i].key,
		    fwconf_file_get(&f, f.lines[i].key)) == -1)
			abort();
	if ((text = fwconf_file_text(&h, &len)) == NULL)
		abort();
	fwconf_file_free(&g);
	open_mem(&g);
	if (fwconf_file_parse(&g, text, len, &e) == -1)
		broken("a file of quoted values does not parse", NULL, e.msg);
	for (i = 0; i < f.nlines; i++) {
		if (f.lines[i].key == NULL)
			continue;
		v = fwconf_file_get(&g, f.lines[i].key);
		if (!same(v, fwconf_file_get(&f, f.lines[i].key)))
			broken("a quoted value reads back differently",
			    f.lines[i].key, v);
	}
	free(text);
	fwconf_file_free(&h);
	fwconf_file_free(&g);
	fwconf_file_free(&f);
	return 0;
}
