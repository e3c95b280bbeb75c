/*
 * schema.c: fuzz the schema loader, fwconf_schema_parse (lib/schema.c, over
 * libconfuse), on arbitrary text.
 *
 * It must not crash, overrun or leak, whether it loads the text or not;
 * what it returns is freed with fwconf_schema_free.  A schema it loads
 * must hold what the tools rely on: every key found by its name, a default
 * in normal form (it validates to itself), an enum with values, an int
 * with min <= max, rules between existing keys.
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
	fprintf(stderr, "fuzz schema: %s: key %s, value '%s'\n", what,
	    key != NULL ? key : "-", value != NULL ? value : "-");
	abort();
}

static void
check_schema(const struct fwconf_schema *s)
{
	const struct fwconf_key *k;
	struct fwconf_err e;
	char *norm;
	size_t i;

	if (s->name == NULL || strcmp(s->name, "fuzz") != 0)
		broken("the schema lost its name", NULL, s->name);
	for (i = 0; i < s->nkeys; i++) {
		k = &s->keys[i];
		if (k->name == NULL || k->def == NULL || k->label == NULL ||
		    k->help == NULL)
			broken("a key lacks a name, default, label or help",
			    k->name, NULL);
		if (fwconf_key_find(s, k->name) != k)
			broken("a key is not found by its name", k->name, NULL);
		if (fwconf_type_name(k->type)[0] == '?')
			broken("a key has no type", k->name, NULL);
		if (k->type == FWCONF_ENUM && k->values == NULL)
			broken("an enum without values", k->name, NULL);
		if (k->type == FWCONF_INT && k->min > k->max)
			broken("an int with min > max", k->name, NULL);
		if (k->type == FWCONF_SECRET) {
			if (k->def[0] != '\0')
				broken("a secret with a default", k->name,
				    k->def);
			continue;
		}
		if ((norm = fwconf_validate(k, k->def, &e)) == NULL)
			broken("the default does not validate", k->name,
			    k->def);
		if (strcmp(norm, k->def) != 0)
			broken("the default is not in normal form", k->name,
			    k->def);
		free(norm);
		if (k->warn_value != NULL && k->warning == NULL)
			broken("warn_on without a warning", k->name,
			    k->warn_value);
	}
	for (i = 0; i < s->nrules; i++)
		if (s->rules[i].a == NULL || s->rules[i].b == NULL ||
		    fwconf_key_find(s, s->rules[i].a) == NULL ||
		    fwconf_key_find(s, s->rules[i].b) == NULL)
			broken("a rule names a missing key", s->rules[i].a,
			    s->rules[i].b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fwconf_schema *s;
	struct fwconf_err e;
	char *text;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&e, 0, sizeof(e));
	if ((s = fwconf_schema_parse(text, "fuzz", &e)) != NULL)
		check_schema(s);
	else if (e.msg[0] == '\0')
		broken("refused without a message", NULL, NULL);
	fwconf_schema_free(s);
	free(text);
	return 0;
}
