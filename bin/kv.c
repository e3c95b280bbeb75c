/*
 * kv.c: the verbs of the key=value tools, as DESIGN.md defines them.
 * Every write validates all of its input first, then takes the lock,
 * re-reads the file, applies the change, checks the rules between keys
 * and writes once; any refusal leaves the file byte for byte as it was.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <readpassphrase.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kv.h"
#include "util.h"

/* One requested change: a key and its normal value (NULL: reset). */
struct change {
	const struct fwconf_key *key;
	char *value;
};

static void __dead
usage(void)
{
	const char *p = getprogname();

	fprintf(stderr,
	    "usage: %s [-R root] show [key ...]\n"
	    "       %s [-R root] get key\n"
	    "       %s [-R root] set key=value ... | set -\n"
	    "       %s [-R root] reset key ...\n"
	    "       %s [-R root] enable key ... | disable key ...\n"
	    "       %s [-R root] keys\n"
	    "       %s [-R root] describe key\n"
	    "       %s [-R root] passwd key\n"
	    "       %s [-R root] render unit\n", p, p, p, p, p, p, p, p, p);
	exit(FWCONF_USAGE);
}

static void
open_settings(const struct fwconf_schema *schema, struct fwconf_settings *s)
{
	struct fwconf_err e;

	if (fwconf_settings_open(s, schema, &e) == -1)
		die(&e);
}

static const struct fwconf_key *
key_or_die(const struct fwconf_schema *schema, const char *name)
{
	const struct fwconf_key *k = fwconf_key_find(schema, name);

	if (k == NULL)
		errx(FWCONF_REFUSED, "%.80s: unknown key (see %s keys)", name,
		    getprogname());
	return k;
}

static void
print_setting(const struct fwconf_key *k, const char *value)
{
	char *q = fwconf_quote(value);

	if (q == NULL)
		err(FWCONF_SYSTEM, NULL);
	printf("%s=%s\n", k->name, q);
	free(q);
}

/* Keys in the file that the schema does not know: kept, but said. */
static void
report_unknown(const struct fwconf_settings *s)
{
	const struct fwconf_file *f = &s->file;
	size_t i;

	for (i = 0; i < f->nlines; i++)
		if (f->lines[i].key != NULL &&
		    fwconf_key_find(s->schema, f->lines[i].key) == NULL)
			warnx("%s:%zu: %s: unknown key, kept", f->path, i + 1,
			    f->lines[i].key);
}

static int
cmd_show(const struct fwconf_schema *schema, int argc, char *argv[])
{
	struct fwconf_settings s;
	const struct fwconf_key *k;
	const char *bad;
	size_t i;
	int a;

	for (a = 0; a < argc; a++)
		if (key_or_die(schema, argv[a])->type == FWCONF_SECRET)
			errx(FWCONF_REFUSED, "%s: a secret, never shown",
			    argv[a]);
	open_settings(schema, &s);
	for (i = 0; i < (argc ? (size_t)argc : schema->nkeys); i++) {
		k = argc ? fwconf_key_find(schema, argv[i]) : &schema->keys[i];
		if (k->type == FWCONF_SECRET)
			continue;
		if ((bad = fwconf_settings_invalid(&s, k)) != NULL)
			warnx("%s", bad);
		print_setting(k, fwconf_settings_get(&s, k));
	}
	if (argc == 0)
		report_unknown(&s);
	fwconf_settings_close(&s);
	fshut(stdout, "stdout");
	return 0;
}

static int
cmd_get(const struct fwconf_schema *schema, int argc, char *argv[])
{
	struct fwconf_settings s;
	const struct fwconf_key *k;
	const char *bad;

	if (argc != 1)
		usage();
	k = key_or_die(schema, argv[0]);
	if (k->type == FWCONF_SECRET)
		errx(FWCONF_REFUSED, "%s: a secret, never shown", k->name);
	open_settings(schema, &s);
	if ((bad = fwconf_settings_invalid(&s, k)) != NULL)
		warnx("%s", bad);
	printf("%s\n", fwconf_settings_get(&s, k));
	fwconf_settings_close(&s);
	fshut(stdout, "stdout");
	return 0;
}

/* Add a change unless its key is already there; returns false if it was. */
static bool
add_change(struct change **cs, size_t *n, const struct fwconf_key *k,
    char *value)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*cs)[i].key == k)
			return false;
	*cs = xreallocarray(*cs, *n + 1, sizeof(**cs));
	(*cs)[*n].key = k;
	(*cs)[*n].value = value;
	(*n)++;
	return true;
}

/*
 * Validate one key=value.  Returns false, having said why, when it is
 * refused; the caller goes on so that every bad value is reported.
 */
static bool
parse_assignment(const struct fwconf_schema *schema, const char *name,
    const char *raw, struct change **cs, size_t *n)
{
	const struct fwconf_key *k = fwconf_key_find(schema, name);
	struct fwconf_err e;
	char *norm;

	if (k == NULL) {
		warnx("%.80s: unknown key (see %s keys)", name, getprogname());
		return false;
	}
	if (k->type == FWCONF_SECRET) {
		warnx("%s: a secret: set it with %s passwd %s", k->name,
		    getprogname(), k->name);
		return false;
	}
	if ((norm = fwconf_validate(k, raw, &e)) == NULL) {
		if (e.status == FWCONF_SYSTEM)
			die(&e);
		warnx("%s", e.msg);
		return false;
	}
	if (!add_change(cs, n, k, norm)) {
		warnx("%s: given twice", k->name);
		free(norm);
		return false;
	}
	return true;
}

/* `set -`: the lines of stdin in the settings file syntax, all of them. */
static bool
parse_stdin(const struct fwconf_schema *schema, struct change **cs,
    size_t *n)
{
	struct fwconf_file in = { .path = (char *)"stdin" };
	struct fwconf_err e;
	size_t len, i;
	char *buf = read_stream(stdin, "stdin", &len);
	bool ok = true;

	if (fwconf_file_parse(&in, buf, len, &e) == -1) {
		in.path = NULL;
		fwconf_file_free(&in);
		errx(FWCONF_REFUSED, "%s", e.msg);
	}
	for (i = 0; i < in.nlines; i++)
		if (in.lines[i].key != NULL &&
		    !parse_assignment(schema, in.lines[i].key,
		    in.lines[i].value, cs, n))
			ok = false;
	in.path = NULL;
	fwconf_file_free(&in);
	free(buf);
	return ok;
}

/* Did this write change key, and to its warning value? */
static bool
turned_to_warning(const struct fwconf_settings *s, const struct fwconf_key *k)
{
	size_t i;

	if (k->warn_value == NULL)
		return false;
	for (i = 0; i < s->nchanges; i++)
		if (strcmp(s->changes[i].key, k->name) == 0)
			return s->changes[i].new != NULL &&
			    strcmp(s->changes[i].new, k->warn_value) == 0;
	return false;
}

/*
 * Apply the changes under the lock, check the rules on the result and
 * write once.  Warnings are printed only for changes that were written.
 */
static int
commit(const struct kv_tool *t, const struct fwconf_schema *schema,
    struct change *cs, size_t n)
{
	struct fwconf_settings s;
	struct fwconf_err e;
	bool *warn = xreallocarray(NULL, n + 1, sizeof(*warn));
	size_t i;
	int lock, r;

	lock = lock_for_writing();
	open_settings(schema, &s);
	for (i = 0; i < n; i++) {
		r = cs[i].value != NULL ?
		    fwconf_settings_set(&s, cs[i].key, cs[i].value, &e) :
		    fwconf_settings_reset(&s, cs[i].key, &e);
		if (r == -1)
			die(&e);
	}
	for (i = 0; i < n; i++)
		warn[i] = turned_to_warning(&s, cs[i].key);
	if (s.nchanges > 0 &&
	    (fwconf_settings_check_rules(&s, true, &e) == -1 ||
	    (t->check != NULL && t->check(&s, &e) == -1) ||
	    fwconf_settings_write(&s, &e) == -1))
		die(&e);
	fwconf_unlock(lock);
	for (i = 0; i < n; i++) {
		if (warn[i])
			warnx("warning: %s=%s: %s", cs[i].key->name,
			    cs[i].key->warn_value, cs[i].key->warning);
		free(cs[i].value);
	}
	fwconf_settings_close(&s);
	free(warn);
	free(cs);
	return 0;
}

static int
cmd_set(const struct kv_tool *t, const struct fwconf_schema *schema,
    int argc, char *argv[])
{
	struct change *cs = NULL;
	size_t n = 0;
	bool ok = true;
	char *eq, *name;
	int a;

	if (argc == 0)
		usage();
	if (argc == 1 && strcmp(argv[0], "-") == 0)
		ok = parse_stdin(schema, &cs, &n);
	else
		for (a = 0; a < argc; a++) {
			if ((eq = strchr(argv[a], '=')) == NULL) {
				warnx("%.80s: not key=value", argv[a]);
				ok = false;
				continue;
			}
			name = xstrdup(argv[a]);
			name[eq - argv[a]] = '\0';
			if (!parse_assignment(schema, name, eq + 1, &cs, &n))
				ok = false;
			free(name);
		}
	if (!ok)
		exit(FWCONF_REFUSED);
	return commit(t, schema, cs, n);
}

static int
cmd_reset(const struct kv_tool *t, const struct fwconf_schema *schema,
    int argc, char *argv[])
{
	struct change *cs = NULL;
	size_t n = 0;
	int a;

	if (argc == 0)
		usage();
	for (a = 0; a < argc; a++)
		if (!add_change(&cs, &n, key_or_die(schema, argv[a]), NULL))
			errx(FWCONF_REFUSED, "%s: given twice", argv[a]);
	return commit(t, schema, cs, n);
}

static int
cmd_switch(const struct kv_tool *t, const struct fwconf_schema *schema,
    int argc, char *argv[], const char *value)
{
	const struct fwconf_key *k;
	struct change *cs = NULL;
	size_t n = 0;
	int a;

	if (argc == 0)
		usage();
	for (a = 0; a < argc; a++) {
		k = key_or_die(schema, argv[a]);
		if (k->type != FWCONF_BOOL)
			errx(FWCONF_REFUSED, "%s: not a yes/no key but %s",
			    k->name, fwconf_type_name(k->type));
		if (!add_change(&cs, &n, k, xstrdup(value)))
			errx(FWCONF_REFUSED, "%s: given twice", k->name);
	}
	return commit(t, schema, cs, n);
}

static int
cmd_keys(const struct fwconf_schema *schema, int argc)
{
	const struct fwconf_key *k;
	size_t i;

	if (argc != 0)
		usage();
	for (i = 0; i < schema->nkeys; i++) {
		k = &schema->keys[i];
		printf("%s\t%s\t%s\t%s\n", k->name, fwconf_type_name(k->type),
		    k->def, k->label);
	}
	fshut(stdout, "stdout");
	return 0;
}

static void
describe_range(const struct fwconf_key *k)
{
	switch (k->type) {
	case FWCONF_INT:
		printf("range\t%lld to %lld\n", k->min, k->max);
		break;
	case FWCONF_PORT:
	case FWCONF_PORTLIST:
		printf("range\t1 to 65535\n");
		if (k->reserved != NULL)
			printf("refused\t%s\n", k->reserved);
		break;
	case FWCONF_ENUM:
		printf("values\t%s\n", k->values);
		break;
	case FWCONF_STRING:
	case FWCONF_SECRET:
		printf("length\tat most %lld bytes\n", k->max);
		break;
	default:
		break;
	}
}

/* One "field TAB value" a line, for people and for awk -F'\t'. */
static int
cmd_describe(const struct fwconf_schema *schema, int argc, char *argv[])
{
	struct fwconf_settings s;
	struct fwconf_err e;
	const struct fwconf_key *k;

	if (argc != 1)
		usage();
	k = key_or_die(schema, argv[0]);
	open_settings(schema, &s);
	printf("key\t%s\ntype\t%s\n", k->name, fwconf_type_name(k->type));
	describe_range(k);
	if (k->type == FWCONF_SECRET) {
		if (fwconf_secrets_load(&s, &e) == -1)
			die(&e);
		printf("set\t%s\n", fwconf_secret_isset(&s, k) ? "yes" : "no");
	} else {
		printf("default\t%s\n", k->def);
		printf("value\t%s\n", fwconf_settings_get(&s, k));
		printf("empty\t%s\n", k->empty_ok ? "allowed" : "refused");
	}
	printf("units\t%s\n", k->units != NULL ? k->units : "");
	printf("label\t%s\nhelp\t%s\n", k->label, k->help);
	if (k->warning != NULL)
		printf("warning\t%s=%s: %s\n", k->name, k->warn_value,
		    k->warning);
	fwconf_settings_close(&s);
	fshut(stdout, "stdout");
	return 0;
}

/*
 * The secret comes from stdin, one line, never from argv (ps shows argv
 * to every user).  On a terminal it is asked twice with echo off.
 */
static char *
read_secret(void)
{
	char buf[1024], again[1024];

	if (isatty(STDIN_FILENO)) {
		if (readpassphrase("New password: ", buf, sizeof(buf),
		    RPP_ECHO_OFF | RPP_REQUIRE_TTY) == NULL ||
		    readpassphrase("Retype password: ", again, sizeof(again),
		    RPP_ECHO_OFF | RPP_REQUIRE_TTY) == NULL)
			err(FWCONF_SYSTEM, "password");
		if (strcmp(buf, again) != 0) {
			explicit_bzero(buf, sizeof(buf));
			explicit_bzero(again, sizeof(again));
			errx(FWCONF_REFUSED, "the passwords differ; nothing "
			    "changed");
		}
		explicit_bzero(again, sizeof(again));
	} else if (readpassphrase("", buf, sizeof(buf), RPP_STDIN) == NULL)
		err(FWCONF_SYSTEM, "stdin");
	if (strlen(buf) == sizeof(buf) - 1)
		errx(FWCONF_REFUSED, "password longer than %zu bytes",
		    sizeof(buf) - 2);
	return xstrdup(buf);
}

static int
cmd_passwd(const struct fwconf_schema *schema, int argc, char *argv[])
{
	const struct fwconf_key *k;
	struct fwconf_settings s;
	struct fwconf_err e;
	char *secret, *norm;
	int lock;

	if (argc != 1)
		usage();
	k = key_or_die(schema, argv[0]);
	if (k->type != FWCONF_SECRET)
		errx(FWCONF_REFUSED, "%s: not a secret; use %s set", k->name,
		    getprogname());
	secret = read_secret();
	if (*secret == '\0') {
		free(secret);
		errx(FWCONF_REFUSED, "%s: empty password refused; %s reset "
		    "%s removes it", k->name, getprogname(), k->name);
	}
	norm = fwconf_validate(k, secret, &e);
	explicit_bzero(secret, strlen(secret));
	free(secret);
	if (norm == NULL)
		die(&e);
	lock = lock_for_writing();
	open_settings(schema, &s);
	if (fwconf_secret_set(&s, k, norm, &e) == -1 ||
	    fwconf_settings_write(&s, &e) == -1)
		die(&e);
	fwconf_unlock(lock);
	explicit_bzero(norm, strlen(norm));
	free(norm);
	fwconf_settings_close(&s);
	return 0;
}

static int
cmd_render(const struct kv_tool *t, const struct fwconf_schema *schema,
    int argc, char *argv[])
{
	struct fwconf_settings s;
	struct fwconf_err e;
	size_t i;

	if (argc != 1)
		usage();
	for (i = 0; t->units != NULL && t->units[i] != NULL; i++)
		if (strcmp(t->units[i], argv[0]) == 0)
			break;
	if (t->units == NULL || t->units[i] == NULL)
		errx(FWCONF_REFUSED, "%.80s: no such unit", argv[0]);
	open_settings(schema, &s);
	/* Never render from a value or a combination the schema refuses. */
	if (fwconf_settings_check_all(&s, &e) == -1 ||
	    (t->check != NULL && t->check(&s, &e) == -1) ||
	    t->render(&s, argv[0], stdout, &e) == -1)
		die(&e);
	fwconf_settings_close(&s);
	fshut(stdout, "stdout");
	return 0;
}

int
kv_main(const struct kv_tool *t, int argc, char *argv[])
{
	const struct fwconf_schema *schema;
	const char *verb;
	int skip = root_option(argc, argv, usage);

	argc -= skip;
	argv += skip;
	if (argc < 1)
		usage();
	if ((schema = fwconf_schema_builtin(t->schema)) == NULL)
		errx(FWCONF_SYSTEM, "%s: no such schema", t->schema);
	verb = argv[0];
	argc--;
	argv++;
	if (strcmp(verb, "show") == 0)
		return cmd_show(schema, argc, argv);
	if (strcmp(verb, "get") == 0)
		return cmd_get(schema, argc, argv);
	if (strcmp(verb, "set") == 0)
		return cmd_set(t, schema, argc, argv);
	if (strcmp(verb, "reset") == 0)
		return cmd_reset(t, schema, argc, argv);
	if (strcmp(verb, "enable") == 0)
		return cmd_switch(t, schema, argc, argv, "yes");
	if (strcmp(verb, "disable") == 0)
		return cmd_switch(t, schema, argc, argv, "no");
	if (strcmp(verb, "keys") == 0)
		return cmd_keys(schema, argc);
	if (strcmp(verb, "describe") == 0)
		return cmd_describe(schema, argc, argv);
	if (strcmp(verb, "passwd") == 0)
		return cmd_passwd(schema, argc, argv);
	if (strcmp(verb, "render") == 0)
		return cmd_render(t, schema, argc, argv);
	usage();
	return FWCONF_USAGE;
}
