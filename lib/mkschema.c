/*
 * mkschema: the build-time generator (not part of libfwconf.a).  Reads
 * each schema with the library's own loader and writes C tables of them,
 * so that a tool pays nothing at start-up to parse its schema: a `get`
 * then costs about what starting /bin/true costs.  The schema files stay
 * the single source; this output is never edited.
 *
 * usage: mkschema schema.conf ... > schemas.c
 *        mkschema -m schema.conf > keys.mdoc
 *
 * With -m it writes the mdoc key list of a tool's man page instead, which
 * the page carries between its "keys begin" and "keys end" comments.
 */
#include <ctype.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwconf.h"

static void
put_str(const char *s)
{
	if (s == NULL) {
		fputs("NULL", stdout);
		return;
	}
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '?')
			putchar(c);
		else
			printf("\\%03o", c);
	}
	putchar('"');
}

static void
put_field(const char *name, const char *s)
{
	printf("\t\t.%s = ", name);
	put_str(s);
	fputs(",\n", stdout);
}

static void
put_schema(const struct fwconf_schema *s)
{
	static const char *const kinds[] = {
		[FWCONF_RULE_LESS] = "FWCONF_RULE_LESS",
		[FWCONF_RULE_REQUIRES] = "FWCONF_RULE_REQUIRES",
		[FWCONF_RULE_DIFFER] = "FWCONF_RULE_DIFFER",
		[FWCONF_RULE_NONEMPTY] = "FWCONF_RULE_NONEMPTY",
	};
	const struct fwconf_key *k;
	size_t i;
	char type[32];

	printf("static const struct fwconf_key %s_keys[] = {\n", s->name);
	for (i = 0; i < s->nkeys; i++) {
		k = &s->keys[i];
		snprintf(type, sizeof(type), "%s", fwconf_type_name(k->type));
		for (char *p = type; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		fputs("\t{\n", stdout);
		put_field("name", k->name);
		printf("\t\t.type = FWCONF_%s,\n", type);
		put_field("def", k->def);
		printf("\t\t.min = %lldLL, .max = %lldLL,\n", k->min, k->max);
		put_field("values", k->values);
		put_field("reserved", k->reserved);
		put_field("units", k->units);
		put_field("label", k->label);
		put_field("help", k->help);
		put_field("warn_value", k->warn_value);
		put_field("warning", k->warning);
		printf("\t\t.empty_ok = %s, .advanced = %s, .listen = %s,\n",
		    k->empty_ok ? "true" : "false",
		    k->advanced ? "true" : "false",
		    k->listen ? "true" : "false");
		printf("\t\t.local = %s,\n", k->local ? "true" : "false");
		fputs("\t},\n", stdout);
	}
	printf("};\n\nstatic const struct fwconf_rule %s_rules[] = {\n",
	    s->name);
	for (i = 0; i < s->nrules; i++) {
		printf("\t{ %s, ", kinds[s->rules[i].kind]);
		put_str(s->rules[i].a);
		fputs(", ", stdout);
		put_str(s->rules[i].b);
		fputs(" },\n", stdout);
	}
	printf("\t{ 0, NULL, NULL }\n};\n\n");
}

/* One UTF-8 character at *s as mandoc's \[uXXXX]; advances *s. */
static void
put_unicode(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	unsigned int cp, n, i;

	n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : 2;
	cp = p[0] & (0xff >> (n + 1));
	for (i = 1; i < n && (p[i] & 0xc0) == 0x80; i++)
		cp = cp << 6 | (p[i] & 0x3f);
	printf("\\[u%04X]", cp);
	*s += i - 1;
}

/*
 * Text for mdoc: one sentence a line (a new sentence starts a line), no
 * line led by a dot, backslashes and non-ASCII escaped.  With inline,
 * no sentence breaks and no newline at the end.
 */
static void
put_text(const char *s, bool inline_text)
{
	bool bol = !inline_text;

	for (; *s != '\0'; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", stdout);
		bol = false;
		if (*s == '\\')
			fputs("\\e", stdout);
		else if ((unsigned char)*s >= 0x80)
			put_unicode(&s);
		else if (strchr(".?!", *s) && s[1] == ' ' && !inline_text &&
		    s[2] >= 'A' && s[2] <= 'Z') {
			printf("%c\n", *s++);
			bol = true;
		} else if (*s == '.' && s[1] == ' ')
			fputs(".\\&", stdout);
		else
			putchar(*s);
	}
	if (!inline_text)
		putchar('\n');
}

static void
put_mdoc(const struct fwconf_schema *s)
{
	const struct fwconf_key *k;
	size_t i;

	printf(".Bl -tag -width Ds\n");
	for (i = 0; i < s->nkeys; i++) {
		k = &s->keys[i];
		printf(".It Cm %s Ar %s\n", k->name, fwconf_type_name(k->type));
		/* A macro line takes punctuation after a space, text without. */
		if (k->type == FWCONF_SECRET)
			printf("Unset until\n.Cm passwd\nsets it");
		else if (*k->def == '\0')
			printf("Empty by default");
		else
			printf("Default\n.Ql %s ", k->def);
		if (k->type == FWCONF_INT)
			printf(",\nfrom %lld to %lld", k->min, k->max);
		if (k->type == FWCONF_ENUM)
			printf(",\none of\n.Ql %s ", k->values);
		if (k->empty_ok && *k->def != '\0')
			printf(",\nmay be empty");
		printf(".\n");
		if (k->advanced)
			printf("Advanced.\n");
		fputs("Menu: \\(lq", stdout);
		put_text(k->label, true);
		fputs("\\(rq.\n", stdout);
		put_text(k->help, false);
		if (k->reserved != NULL)
			printf("Refused: %s.\n", k->reserved);
		if (k->listen)
			printf("A service listens on it: no other port key of "
			    "any tool may hold the same port.\n");
		if (k->local)
			printf("A local address, whose domain is one label "
			    "like\n.Ql root@localhost ,\nis taken.\n");
		if (k->warning != NULL) {
			printf("Setting\n.Ql %s=%s\nwarns:\n", k->name,
			    k->warn_value);
			put_text(k->warning, false);
		}
	}
	printf(".El\n");
}

int
main(int argc, char *argv[])
{
	struct fwconf_schema **s;
	struct fwconf_err e;
	int i;

	if (argc == 3 && strcmp(argv[1], "-m") == 0) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			err(1, NULL);
		if ((s[0] = fwconf_schema_load(argv[2], &e)) == NULL)
			errx(1, "%s", e.msg);
		put_mdoc(s[0]);
		fwconf_schema_free(s[0]);
		free(s);
		if (fflush(stdout) == EOF || ferror(stdout))
			err(1, "stdout");
		return 0;
	}
	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: mkschema schema.conf ...\n"
		    "       mkschema -m schema.conf\n");
		return 2;
	}
	if ((s = calloc((size_t)argc, sizeof(*s))) == NULL)
		err(1, NULL);
	printf("/* Generated by mkschema from share/mpfw/schema; "
	    "do not edit. */\n#include <string.h>\n\n#include \"fwconf.h\"\n\n");
	for (i = 1; i < argc; i++) {
		if ((s[i] = fwconf_schema_load(argv[i], &e)) == NULL)
			errx(1, "%s", e.msg);
		put_schema(s[i]);
	}
	printf("static const struct fwconf_schema schemas[] = {\n");
	for (i = 1; i < argc; i++)
		printf("\t{ \"%s\", %s_keys, %zu, %s_rules, %zu },\n",
		    s[i]->name, s[i]->name, s[i]->nkeys, s[i]->name,
		    s[i]->nrules);
	printf("};\n\n"
	    "const struct fwconf_schema *\n"
	    "fwconf_schema_builtin(const char *name)\n{\n"
	    "\tsize_t i;\n\n"
	    "\tfor (i = 0; i < sizeof(schemas) / sizeof(schemas[0]); i++)\n"
	    "\t\tif (strcmp(schemas[i].name, name) == 0)\n"
	    "\t\t\treturn &schemas[i];\n"
	    "\treturn NULL;\n}\n\n"
	    "const struct fwconf_schema *\n"
	    "fwconf_schema_builtin_all(size_t *n)\n{\n"
	    "\t*n = sizeof(schemas) / sizeof(schemas[0]);\n"
	    "\treturn schemas;\n}\n");
	for (i = 1; i < argc; i++)
		fwconf_schema_free(s[i]);
	free(s);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");
	return 0;
}
