/*
 * kv.c: the verbs of the key=value tools, as DESIGN.md defines them.
 * Every write validates all of its input first, then takes the lock,
 * re-reads the file, applies the change, checks the rules between keys
 * and writes once; any refusal leaves the file byte for byte as it was.
 */
#include <sys/prctl.h>

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

static const struct kv_tool *tool;
static const struct fwconf_schema *schema;
static struct verb *verbs;		/* kv's and the tool's, merged */

static const char *const lead = "[-R root]";

static void
usage_to(FILE *fp)
{
	verb_usage(fp, verbs, lead, NULL);
}

static void __dead
usage(void)
{
	usage_to(stderr);
	exit(FWCONF_USAGE);
}

const struct fwconf_schema *
kv_schema(void)
{
	return schema;
}

void
kv_open(struct fwconf_settings *s)
{
	struct fwconf_err e;

	if (fwconf_settings_open(s, schema, &e) == -1)
		die(&e);
}

const char *
kv_get(const struct fwconf_settings *s, const char *key)
{
	const struct fwconf_key *k = fwconf_key_find(s->schema, key);

	if (k == NULL)
		errx(FWCONF_SYSTEM, "%s: no key %s in the schema", s->schema->name,
		    key);
	return fwconf_settings_get(s, k);
}

/* Never render from a value or a combination the rules refuse. */
void
kv_open_checked(struct fwconf_settings *s)
{
	struct fwconf_err e;

	kv_open(s);
	/* Renders and rules may need the secrets: fwconf_secret_get. */
	if (fwconf_secrets_load(s, &e) == -1 ||
	    fwconf_settings_check_all(s, &e) == -1 ||
	    fwconf_ports_check(s, true, &e) == -1 ||
	    (tool->check != NULL && tool->check(s, true, &e) == -1))
		die(&e);
}

/* "imap_max_con: unknown key; did you mean imap_max_conn?" */
static void
unknown_key(const char *name)
{
	const char **names = xreallocarray(NULL, schema->nkeys + 1,
	    sizeof(*names)), *near;
	size_t i;

	for (i = 0; i < schema->nkeys; i++)
		names[i] = schema->keys[i].name;
	near = nearest(name, names, schema->nkeys);
	if (near != NULL)
		warnx("%s: unknown key; did you mean %s? (see %s keys)",
		    shown(name), near, getprogname());
	else
		warnx("%s: unknown key (see %s keys)", shown(name),
		    getprogname());
	free(names);
}

static const struct fwconf_key *
key_or_die(const char *name)
{
	const struct fwconf_key *k = fwconf_key_find(schema, name);

	if (k == NULL) {
		unknown_key(name);
		exit(FWCONF_REFUSED);
	}
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
cmd_show(int argc, char *argv[])
{
	struct fwconf_settings s;
	const struct fwconf_key *k;
	const char *bad;
	size_t i;
	int a;

	argc--;
	argv++;
	for (a = 0; a < argc; a++)
		if (key_or_die(argv[a])->type == FWCONF_SECRET)
			errx(FWCONF_REFUSED, "%s: a secret, never shown",
			    argv[a]);
	kv_open(&s);
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
cmd_get(int argc, char *argv[])
{
	struct fwconf_settings s;
	const struct fwconf_key *k;
	const char *bad;

	(void)argc;
	k = key_or_die(argv[1]);
	if (k->type == FWCONF_SECRET)
		errx(FWCONF_REFUSED, "%s: a secret, never shown", k->name);
	kv_open(&s);
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
parse_assignment(const char *name, const char *raw, struct change **cs,
    size_t *n)
{
	const struct fwconf_key *k = fwconf_key_find(schema, name);
	struct fwconf_err e;
	char *norm;

	if (k == NULL) {
		unknown_key(name);
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
parse_stdin(struct change **cs, size_t *n)
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
		    !parse_assignment(in.lines[i].key, in.lines[i].value, cs, n))
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

/* -v: each change as key TAB old TAB new, effective values. */
static void
print_changes(const struct fwconf_settings *s)
{
	const struct fwconf_change *c;
	const struct fwconf_key *k;
	size_t i;

	for (i = 0; i < s->nchanges; i++) {
		c = &s->changes[i];
		k = fwconf_key_find(schema, c->key);
		if (c->secret)
			printf("%s\tchanged\tchanged\n", c->key);
		else
			printf("%s\t%s\t%s\n", c->key, c->old != NULL ? c->old :
			    k->def, c->new != NULL ? c->new : k->def);
	}
}

/*
 * Apply the changes under the lock, check the rules on the result and
 * write once.  Warnings are printed only for changes that were written.
 */
static int
commit(struct change *cs, size_t n, bool verbose)
{
	struct fwconf_settings s;
	struct fwconf_err e;
	bool *warn = xreallocarray(NULL, n + 1, sizeof(*warn));
	size_t i;
	int lock, r;

	lock = lock_for_writing();
	kv_open(&s);
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
	    fwconf_ports_check(&s, false, &e) == -1 ||
	    (tool->check != NULL && tool->check(&s, false, &e) == -1)))
		die(&e);
	if (verbose)
		print_changes(&s);
	if (s.nchanges > 0 && fwconf_settings_write(&s, &e) == -1)
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
	fshut(stdout, "stdout");
	return 0;
}

/* The -v of the writing verbs; returns optind, operands after it. */
static int
writer_options(int argc, char *argv[], const char *verb, bool *verbose)
{
	int ch;

	*verbose = false;
	while ((ch = verb_getopt(argc, argv, "+v", verb)) != -1) {
		if (ch != 'v')
			usage();
		*verbose = true;
	}
	return optind;
}

static void
missing(const char *verb, const char *what)
{
	warnx("%s: %s is missing", verb, what);
	usage();
}

static int
cmd_set(int argc, char *argv[])
{
	struct change *cs = NULL;
	size_t n = 0;
	bool ok = true, verbose;
	char *eq, *name;
	int a = writer_options(argc, argv, "set", &verbose);

	if (a == argc)
		missing("set", "a key=value");
	if (argc - a == 1 && strcmp(argv[a], "-") == 0)
		ok = parse_stdin(&cs, &n);
	else
		for (; a < argc; a++) {
			if ((eq = strchr(argv[a], '=')) == NULL) {
				warnx("%s: not key=value", shown(argv[a]));
				ok = false;
				continue;
			}
			name = xstrdup(argv[a]);
			name[eq - argv[a]] = '\0';
			if (!parse_assignment(name, eq + 1, &cs, &n))
				ok = false;
			free(name);
		}
	if (!ok)
		exit(FWCONF_REFUSED);
	return commit(cs, n, verbose);
}

static int
cmd_reset(int argc, char *argv[])
{
	struct change *cs = NULL;
	size_t n = 0;
	bool verbose;
	int a = writer_options(argc, argv, "reset", &verbose);

	if (a == argc)
		missing("reset", "a key");
	for (; a < argc; a++)
		if (!add_change(&cs, &n, key_or_die(argv[a]), NULL))
			errx(FWCONF_REFUSED, "%s: given twice", argv[a]);
	return commit(cs, n, verbose);
}

static int
cmd_switch(int argc, char *argv[], const char *verb, const char *value)
{
	const struct fwconf_key *k;
	struct change *cs = NULL;
	size_t n = 0;
	bool verbose;
	char *v;
	int a = writer_options(argc, argv, verb, &verbose);

	if (a == argc)
		missing(verb, "a key");
	for (; a < argc; a++) {
		k = key_or_die(argv[a]);
		if (k->type != FWCONF_BOOL)
			errx(FWCONF_REFUSED, "%s: not a yes/no key but %s",
			    k->name, fwconf_type_name(k->type));
		if (!add_change(&cs, &n, k, v = xstrdup(value))) {
			free(v);
			errx(FWCONF_REFUSED, "%s: given twice", k->name);
		}
	}
	return commit(cs, n, verbose);
}

static int
cmd_enable(int argc, char *argv[])
{
	return cmd_switch(argc, argv, "enable", "yes");
}

static int
cmd_disable(int argc, char *argv[])
{
	return cmd_switch(argc, argv, "disable", "no");
}

/* key TAB type TAB default TAB label, and with -l TAB help. */
static int
cmd_keys(int argc, char *argv[])
{
	const struct fwconf_key *k;
	bool help = false;
	size_t i;
	int ch;

	while ((ch = verb_getopt(argc, argv, "l", "keys")) != -1) {
		if (ch != 'l')
			usage();
		help = true;
	}
	if (optind != argc) {
		warnx("keys takes no operand");
		usage();
	}
	for (i = 0; i < schema->nkeys; i++) {
		k = &schema->keys[i];
		printf("%s\t%s\t%s\t%s", k->name, fwconf_type_name(k->type),
		    k->def, k->label);
		if (help)
			printf("\t%s", k->help);
		putchar('\n');
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

static void
describe_key(struct fwconf_settings *s, const struct fwconf_key *k)
{
	struct fwconf_err e;

	printf("key\t%s\ntype\t%s\n", k->name, fwconf_type_name(k->type));
	describe_range(k);
	if (k->type == FWCONF_SECRET) {
		if (fwconf_secrets_load(s, &e) == -1)
			die(&e);
		printf("set\t%s\n", fwconf_secret_isset(s, k) ? "yes" : "no");
	} else {
		printf("default\t%s\n", k->def);
		printf("value\t%s\n", fwconf_settings_get(s, k));
		printf("empty\t%s\n", k->empty_ok ? "allowed" : "refused");
	}
	if (k->units != NULL)
		printf("units\t%s\n", k->units);
	else
		printf("units\t\nnote\tthis setting reaches no daemon yet\n");
	printf("label\t%s\nhelp\t%s\n", k->label, k->help);
	if (k->warning != NULL)
		printf("warning\t%s=%s: %s\n", k->name, k->warn_value,
		    k->warning);
}

/* One "field TAB value" a line, for people and for awk -F'\t'; an
 * empty line between keys. */
static int
cmd_describe(int argc, char *argv[])
{
	struct fwconf_settings s;
	int a;

	for (a = 1; a < argc; a++)
		key_or_die(argv[a]);
	kv_open(&s);
	for (a = 1; a < argc; a++) {
		if (a > 1)
			putchar('\n');
		describe_key(&s, key_or_die(argv[a]));
	}
	fwconf_settings_close(&s);
	fshut(stdout, "stdout");
	return 0;
}

#define SECRET_MAX 1024

/*
 * One line from a pipe, read by hand: readpassphrase would stop silently
 * at a NUL or a CR and store what came before.  Any control character is
 * refused, as fwconf(5) promises for every value, and so is a second line.
 */
static char *
read_secret_line(char *buf, size_t size)
{
	size_t n = 0;
	int c;

	while ((c = getchar()) != EOF && c != '\n') {
		if (c < 0x20 || c == 0x7f) {
			explicit_bzero(buf, size);
			errx(FWCONF_REFUSED, "control character 0x%02x in the "
			    "password; nothing changed", c);
		}
		if (n + 1 >= size) {
			explicit_bzero(buf, size);
			errx(FWCONF_REFUSED, "password longer than %zu bytes",
			    size - 2);
		}
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	if (ferror(stdin))
		err(FWCONF_SYSTEM, "stdin");
	if (c == '\n' && getchar() != EOF) {
		explicit_bzero(buf, size);
		errx(FWCONF_REFUSED, "more than one line on stdin; a password "
		    "is one line");
	}
	return buf;
}

/*
 * The secret comes from stdin, one line, never from argv (ps shows argv
 * to every user).  On a terminal it is asked twice with echo off.
 */
static char *
read_secret(const char *key, char *buf, size_t size)
{
	char again[SECRET_MAX], prompt[128];

	if (!isatty(STDIN_FILENO))
		return read_secret_line(buf, size);
	snprintf(prompt, sizeof(prompt), "New %s: ", key);
	if (readpassphrase(prompt, buf, size, RPP_ECHO_OFF |
	    RPP_REQUIRE_TTY) == NULL)
		err(FWCONF_SYSTEM, "password");
	if (*buf == '\0')
		errx(FWCONF_REFUSED, "%s: empty password refused; %s reset %s "
		    "removes it", key, getprogname(), key);
	snprintf(prompt, sizeof(prompt), "Retype %s: ", key);
	if (readpassphrase(prompt, again, sizeof(again), RPP_ECHO_OFF |
	    RPP_REQUIRE_TTY) == NULL)
		err(FWCONF_SYSTEM, "password");
	if (strcmp(buf, again) != 0) {
		explicit_bzero(buf, size);
		explicit_bzero(again, sizeof(again));
		errx(FWCONF_REFUSED, "the passwords differ; nothing changed");
	}
	explicit_bzero(again, sizeof(again));
	if (strlen(buf) == size - 1)
		errx(FWCONF_REFUSED, "password longer than %zu bytes", size - 2);
	return buf;
}

static int
cmd_passwd(int argc, char *argv[])
{
	const struct fwconf_key *k;
	struct fwconf_settings s;
	struct fwconf_err e;
	char secret[SECRET_MAX], *norm;
	int lock;

	(void)argc;
	/* No core dump may hold the secret. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	k = key_or_die(argv[1]);
	if (k->type != FWCONF_SECRET)
		errx(FWCONF_REFUSED, "%s: not a secret; use %s set", k->name,
		    getprogname());
	read_secret(k->name, secret, sizeof(secret));
	if (*secret == '\0')
		errx(FWCONF_REFUSED, "%s: empty password refused; %s reset "
		    "%s removes it", k->name, getprogname(), k->name);
	norm = fwconf_validate(k, secret, &e);
	explicit_bzero(secret, sizeof(secret));
	if (norm == NULL)
		die(&e);
	if (tool->keep_secret != NULL) {
		char *kept = tool->keep_secret(k, norm, &e);

		explicit_bzero(norm, strlen(norm));
		free(norm);
		if ((norm = kept) == NULL)
			die(&e);
	}
	lock = lock_for_writing();
	kv_open(&s);
	/*
	 * The tool's rules are not run here: a pair set one at a time (a
	 * user, then its password) would be refused either way round.  The
	 * render, at the apply, runs them all.
	 */
	if (fwconf_secret_set(&s, k, norm, &e) == -1 ||
	    fwconf_settings_write(&s, &e) == -1)
		die(&e);
	fwconf_unlock(lock);
	explicit_bzero(norm, strlen(norm));
	free(norm);
	fwconf_settings_close(&s);
	return 0;
}

static const struct kv_render *
render_or_die(const char *name)
{
	const struct kv_render *r;
	const char *names[64], *near;
	size_t n = 0;

	for (r = tool->renders; r != NULL && r->name != NULL; r++) {
		if (strcmp(r->name, name) == 0)
			return r;
		if (n < 64)
			names[n++] = r->name;
	}
	if ((near = nearest(name, names, n)) != NULL)
		errx(FWCONF_REFUSED, "%s: nothing of that name to render; did "
		    "you mean %s?", shown(name), near);
	errx(FWCONF_REFUSED, "%s: nothing of that name to render", shown(name));
}

/* The whole file, or nothing: it is made in memory first. */
int
kv_render(const char *name)
{
	const struct kv_render *r = render_or_die(name);
	struct fwconf_settings s;
	struct fwconf_err e;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	kv_open_checked(&s);
	if ((mem = open_memstream(&buf, &len)) == NULL)
		err(FWCONF_SYSTEM, "render");
	if (r->render(&s, mem, &e) == -1)
		die(&e);
	if (fclose(mem) == EOF)
		err(FWCONF_SYSTEM, "render");
	fwconf_settings_close(&s);
	fwrite(buf, 1, len, stdout);
	free(buf);
	fshut(stdout, "stdout");
	return 0;
}

static int
cmd_render(int argc, char *argv[])
{
	(void)argc;
	return kv_render(argv[1]);
}

/*
 * Hidden, for fw-apply import: the settings file and its secrets as a
 * whole, every value and every rule; each fault said; exit 1 if any.
 */
static int
cmd_verify(int argc, char *argv[])
{
	struct fwconf_settings s;
	struct fwconf_err e;
	size_t i;
	int bad = 0;

	(void)argc;
	(void)argv;
	kv_open(&s);
	if (fwconf_secrets_load(&s, &e) == -1)
		die(&e);
	for (i = 0; i < schema->nkeys; i++)
		if (fwconf_settings_invalid(&s, &schema->keys[i]) != NULL) {
			warnx("%s", fwconf_settings_invalid(&s,
			    &schema->keys[i]));
			bad = 1;
		}
	if (!bad && (fwconf_settings_check_rules(&s, false, &e) == -1 ||
	    fwconf_ports_check(&s, true, &e) == -1 ||
	    (tool->check != NULL && tool->check(&s, true, &e) == -1))) {
		warnx("%s", e.msg);
		bad = 1;
	}
	fwconf_settings_close(&s);
	return bad;
}

static const struct verb kv_verbs[] = {
	{ "show", cmd_show, "[key ...]", 0, -1, 0 },
	{ "get", cmd_get, "key", 1, 1, 0 },
	{ "set", cmd_set, "[-v] key=value ... | set -", 1, -1, VERB_OPTIONS },
	{ "reset", cmd_reset, "[-v] key ...", 1, -1, VERB_OPTIONS },
	{ "enable", cmd_enable, "[-v] key ...", 1, -1, VERB_OPTIONS },
	{ "disable", cmd_disable, "[-v] key ...", 1, -1, VERB_OPTIONS },
	{ "keys", cmd_keys, "[-l]", 0, -1, VERB_OPTIONS },
	{ "describe", cmd_describe, "key ...", 1, -1, 0 },
	{ "passwd", cmd_passwd, "key", 1, 1, 0 },
	{ "render", cmd_render, "file", 1, 1, 0 },
	{ "verify", cmd_verify, "", 0, 0, VERB_HIDDEN },
	{ NULL, NULL, NULL, 0, 0, 0 }
};

/* kv's verbs, then the tool's own; one of the tool's may replace kv's. */
static struct verb *
merge_verbs(const struct verb *own)
{
	size_t n = 0, m = 0, i;
	struct verb *all;

	while (kv_verbs[n].name != NULL)
		n++;
	while (own != NULL && own[m].name != NULL)
		m++;
	all = xreallocarray(NULL, n + m + 1, sizeof(*all));
	for (i = 0; i < n; i++) {
		all[i] = kv_verbs[i];
		if (own != NULL && verb_find(own, kv_verbs[i].name) != NULL)
			all[i] = *verb_find(own, kv_verbs[i].name);
	}
	for (i = 0; i < m; i++)
		if (verb_find(kv_verbs, own[i].name) == NULL)
			all[n++] = own[i];
	memset(&all[n], 0, sizeof(all[n]));
	return all;
}

int
kv_main(const struct kv_tool *t, int argc, char *argv[])
{
	int skip;

	tool = t;
	verbs = merge_verbs(t->verbs);
	verb_common(argc, argv, usage_to, verbs);
	skip = root_option(argc, argv, usage);
	if ((schema = fwconf_schema_builtin(t->schema)) == NULL)
		errx(FWCONF_SYSTEM, "%s: no such schema", t->schema);
	return verb_dispatch(verbs, lead, argc - skip, argv + skip);
}
