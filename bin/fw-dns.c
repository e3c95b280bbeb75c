/*
 * fw-dns: the local DNS entries (the manual's "DNS Entries"): names in
 * the internal net, each with an address or, without one, an alias of the
 * firewall.  The table is ROOT/etc/mpfw/dns, in exactly the form `list`
 * prints: name TAB address, sorted by name.
 */
#include <err.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render/render.h"
#include "util.h"
#include "verb.h"

/* Audit lines per command; a bulk import logs a summary beyond this. */
#define AUDIT_MAX 100
/* Bad input lines reported before the rest are only counted. */
#define REPORT_MAX 20

static const struct fwconf_key name_key = {
	.name = "name", .type = FWCONF_HOSTNAME, .label = "", .help = "",
};
static const struct fwconf_key addr_key = {
	.name = "address", .type = FWCONF_IP, .empty_ok = true,
	.label = "", .help = "",
};

/*
 * The changes of one command, logged once the table is written: one line
 * each for the first AUDIT_MAX, then a count of the rest.
 */
struct audit {
	size_t	 n, added, changed, deleted;
	char	*lines[AUDIT_MAX][3];		/* name, old, new */
	FILE	*v;			/* -v: every change, printed once written */
	char	*vbuf;
	size_t	 vlen;
};

/* What the table's names and aliases hang on: fw-svc's settings. */
struct firewall {
	struct fwconf_settings svc;
	const char *hostname, *domain, *lan_ip;
	struct dns_firewall names;
};

static const struct verb verbs[];
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

static void
read_firewall(struct firewall *fw)
{
	const struct fwconf_schema *schema = fwconf_schema_builtin("services");
	static const char *const keys[] = { "hostname", "domain", "lan_ip" };
	const struct fwconf_key *k;
	const char *bad, **dst[3];
	struct fwconf_err e;
	size_t i;

	dst[0] = &fw->hostname, dst[1] = &fw->domain, dst[2] = &fw->lan_ip;
	if (schema == NULL)
		errx(FWCONF_SYSTEM, "services: no such schema");
	if (fwconf_settings_open(&fw->svc, schema, &e) == -1)
		die(&e);
	for (i = 0; i < 3; i++) {
		k = fwconf_key_find(schema, keys[i]);
		if ((bad = fwconf_settings_invalid(&fw->svc, k)) != NULL)
			errx(FWCONF_REFUSED, "%s", bad);
		*dst[i] = fwconf_settings_get(&fw->svc, k);
	}
	fw->names.hostname = fw->hostname;
	fw->names.domain = fw->domain;
	fw->names.lan_ip = fw->lan_ip;
}

static void
open_table(struct fwconf_table *t)
{
	struct fwconf_err e;
	char path[4096];

	if (fwconf_settings_path(path, sizeof(path), "dns") == -1)
		err(FWCONF_SYSTEM, "dns");
	if (fwconf_table_read(t, path, &e) == -1)
		die(&e);
}

/* A name as stored: one DNS label, lower case.  NULL, with why, if not. */
static char *
norm_name(const char *name, struct fwconf_err *e)
{
	return fwconf_validate(&name_key, name, e);
}

static char *
norm_addr(const char *addr, struct fwconf_err *e)
{
	return fwconf_validate(&addr_key, addr, e);
}

static char *
name_or_die(const char *name)
{
	struct fwconf_err e;
	char *n = norm_name(name, &e);

	if (n == NULL)
		die(&e);
	return n;
}

static void
refuse_own_name(const struct firewall *fw, const char *name)
{
	if (strcmp(name, fw->hostname) == 0)
		errx(FWCONF_REFUSED, "%s: the firewall's own name (fw-svc "
		    "hostname) is entered automatically", name);
}

/*
 * A record read from the file that the rules refuse (a hand edit): said
 * on stderr, or, when rendering, fatal: no bad byte reaches dnsmasq.
 */
static bool
record_ok(const struct fwconf_table *t, const struct fwconf_record *r,
    const struct firewall *fw, bool fatal, char **addr)
{
	struct fwconf_err e;
	char *n, *a = NULL;
	bool ok;

	n = norm_name(r->name, &e);
	if (n != NULL && strcmp(n, r->name) != 0)
		fwconf_fail(&e, FWCONF_REFUSED, "%s: not in lower case",
		    r->name);
	else if (n != NULL && fw != NULL && strcmp(n, fw->hostname) == 0)
		fwconf_fail(&e, FWCONF_REFUSED, "%s: the firewall's own name",
		    r->name);
	else if (n != NULL)
		a = norm_addr(r->value, &e);
	ok = a != NULL;
	/* An older form of a valid address (an IPv6 address an earlier
	 * mpfw wrote dotted) is said, and rendered as it is written now. */
	if (ok && strcmp(a, r->value) != 0)
		warnx("%s:%zu: %s: address %s is now written %s (fw-dns set "
		    "%s %s)", t->path, r->lineno, r->name, r->value, a,
		    r->name, a);
	free(n);
	if (addr != NULL)
		*addr = a;
	else
		free(a);
	if (!ok && fatal)
		errx(FWCONF_REFUSED, "%s:%zu: %s", t->path, r->lineno, e.msg);
	if (!ok)
		warnx("%s:%zu: %s", t->path, r->lineno, e.msg);
	return ok;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
note(void *arg, const char *name, const char *old, const char *new)
{
	struct audit *a = arg;

	if (old == NULL)
		a->added++;
	else if (new == NULL)
		a->deleted++;
	else
		a->changed++;
	if (a->v != NULL)
		fprintf(a->v, "%s\t%s\t%s\n", name, old != NULL ? old :
		    "(none)", new != NULL ? new : "(none)");
	if (a->n < AUDIT_MAX) {
		a->lines[a->n][0] = xstrdup(name);
		a->lines[a->n][1] = dup_or_null(old);
		a->lines[a->n][2] = dup_or_null(new);
		a->n++;
	}
}

static void
audit_flush(struct audit *a, const char *verb)
{
	char summary[128];
	size_t i, j;

	for (i = 0; i < a->n; i++) {
		fwconf_audit("dns", a->lines[i][0], a->lines[i][1],
		    a->lines[i][2], false);
		for (j = 0; j < 3; j++)
			free(a->lines[i][j]);
	}
	if (a->added + a->changed + a->deleted > a->n) {
		snprintf(summary, sizeof(summary), "%s: %zu added, %zu changed, "
		    "%zu deleted in all", verb, a->added, a->changed,
		    a->deleted);
		fwconf_audit("dns", summary, NULL, NULL, false);
	}
	a->n = 0;
	if (a->v != NULL) {
		if (fclose(a->v) == EOF)
			err(FWCONF_SYSTEM, "-v");
		fwrite(a->vbuf, 1, a->vlen, stdout);
		free(a->vbuf);
		fshut(stdout, "stdout");
	}
}

/*
 * -v of the writing verbs: each change, once written, as name TAB old TAB
 * new, (none) for an entry that was not or is no more; nothing when
 * nothing changed (a script's "changed").  Returns the operands' index;
 * with min and max (-1: any), checks how many there are.
 */
static int
writer_options(int argc, char *argv[], const char *verb, const char *opts,
    bool *replace, struct audit *a, int min, int max)
{
	int ch;

	while ((ch = verb_getopt(argc, argv, opts, verb)) != -1)
		if (ch == 'v') {
			if (a->v == NULL && (a->v = open_memstream(&a->vbuf,
			    &a->vlen)) == NULL)
				err(FWCONF_SYSTEM, "-v");
		} else if (ch == 'r' && replace != NULL)
			*replace = true;
		else
			usage();
	if (argc - optind < min) {
		warnx("%s: %s is missing", verb, argc == optind ? "a name" :
		    "an address");
		usage();
	}
	if (max >= 0 && argc - optind > max) {
		warnx("%s: too many operands", verb);
		usage();
	}
	return optind;
}

static void
write_table(struct fwconf_table *t)
{
	struct fwconf_err e;

	if (fwconf_table_write(t, &e) == -1)
		die(&e);
}

static int
cmd_list(int argc, char *argv[])
{
	struct fwconf_table t;
	const struct fwconf_record *r;
	size_t i, n = 0;

	open_table(&t);
	for (i = 0; i < t.nrecs; i++) {
		r = &t.recs[i];
		if (argc == 2 && fnmatch(argv[1], r->name, FNM_CASEFOLD) != 0)
			continue;
		record_ok(&t, r, NULL, false, NULL);
		printf("%s\t%s\n", r->name, r->value);
		n++;
	}
	fwconf_table_free(&t);
	fshut(stdout, "stdout");
	/* As grep: a pattern that matches no entry is a "no". */
	return argc == 2 && n == 0 ? FWCONF_REFUSED : 0;
}

static int
cmd_add(int argc, char *argv[])
{
	struct fwconf_table t;
	struct firewall fw;
	struct fwconf_err e;
	struct audit a = { 0 };
	char *name, *addr;
	int lock, o;

	o = writer_options(argc, argv, "add", "+v", NULL, &a, 1, 2);
	name = name_or_die(argv[o]);
	if ((addr = norm_addr(argc - o == 2 ? argv[o + 1] : "", &e)) == NULL)
		die(&e);
	lock = lock_for_writing();
	read_firewall(&fw);
	refuse_own_name(&fw, name);
	open_table(&t);
	if (fwconf_table_find(&t, name) != -1)
		errx(FWCONF_REFUSED, "%s: already an entry; change it with "
		    "fw-dns set", name);
	if (fwconf_table_insert(&t, name, addr) == -1)
		err(FWCONF_SYSTEM, NULL);
	note(&a, name, NULL, addr);
	write_table(&t);
	fwconf_unlock(lock);
	audit_flush(&a, "add");
	fwconf_table_free(&t);
	fwconf_settings_close(&fw.svc);
	free(name);
	free(addr);
	return 0;
}

static int
cmd_set(int argc, char *argv[])
{
	struct fwconf_table t;
	struct fwconf_err e;
	struct audit a = { 0 };
	char *name, *addr;
	ssize_t i;
	int lock, o;

	o = writer_options(argc, argv, "set", "+v", NULL, &a, 2, 2);
	name = name_or_die(argv[o]);
	if ((addr = norm_addr(argv[o + 1], &e)) == NULL)
		die(&e);
	lock = lock_for_writing();
	open_table(&t);
	if ((i = fwconf_table_find(&t, name)) == -1)
		errx(FWCONF_REFUSED, "%s: no such entry; add it with fw-dns add",
		    name);
	if (strcmp(t.recs[i].value, addr) != 0)
		note(&a, name, t.recs[i].value, addr);
	if (fwconf_table_update(&t, (size_t)i, addr) == -1)
		err(FWCONF_SYSTEM, NULL);
	write_table(&t);
	fwconf_unlock(lock);
	audit_flush(&a, "set");
	fwconf_table_free(&t);
	free(name);
	free(addr);
	return 0;
}

/* Names for del: the operands, or the first field of each stdin line. */
static char **
del_names(int argc, char *argv[], size_t *np)
{
	char **names = NULL, *buf, *line, *next;
	size_t n = 0, cap = 0, len;
	int a;

	if (argc == 1 && strcmp(argv[0], "-") == 0) {
		buf = read_stream(stdin, "stdin", &len);
		for (line = buf; line != NULL && *line != '\0'; line = next) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			line[strcspn(line, " \t")] = '\0';
			if (*line == '\0' || *line == '#')
				continue;
			names = xgrow(names, n, &cap, sizeof(*names));
			names[n++] = name_or_die(line);
		}
		free(buf);
	} else
		for (a = 0; a < argc; a++) {
			names = xgrow(names, n, &cap, sizeof(*names));
			names[n++] = name_or_die(argv[a]);
		}
	*np = n;
	return names;
}

static int
cmd_del(int argc, char *argv[])
{
	struct fwconf_table t;
	struct audit a = { 0 };
	char **names;
	size_t n, i, missing = 0;
	ssize_t at;
	int lock, o;

	o = writer_options(argc, argv, "del", "+v", NULL, &a, 1, -1);
	names = del_names(argc - o, argv + o, &n);
	lock = lock_for_writing();
	open_table(&t);
	for (i = 0; i < n; i++)
		if (fwconf_table_find(&t, names[i]) == -1 &&
		    !(i > 0 && strcmp(names[i], names[i - 1]) == 0)) {
			if (missing++ < REPORT_MAX)
				warnx("%s: no such entry", names[i]);
		}
	if (missing > 0)
		errx(FWCONF_REFUSED, "%zu name%s not found; nothing deleted",
		    missing, missing == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		if ((at = fwconf_table_find(&t, names[i])) == -1)
			continue;	/* given twice */
		note(&a, names[i], t.recs[at].value, NULL);
		fwconf_table_delete(&t, (size_t)at);
	}
	write_table(&t);
	fwconf_unlock(lock);
	audit_flush(&a, "del");
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	fwconf_table_free(&t);
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	const struct fwconf_record *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : x->lineno < y->lineno ? -1 : x->lineno > y->lineno;
}

/*
 * Parse import lines, "name [address]", into records sorted by name.
 * Every bad line is counted and the first ones said; any makes it exit 1.
 */
static struct fwconf_record *
parse_import(char *buf, const char *src, const char *own, size_t *np)
{
	struct fwconf_record *in = NULL;
	struct fwconf_err e;
	char *line, *next, *f[3];
	size_t n = 0, cap = 0, lineno = 0, bad = 0, i;
	int nf;

	for (line = buf; *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		for (nf = 0; nf < 3; nf++) {
			line += strspn(line, " \t");
			if (*line == '\0' || (*line == '#' && nf == 0))
				break;
			f[nf] = line;
			line += strcspn(line, " \t");
			if (*line != '\0')
				*line++ = '\0';
		}
		if (nf == 0)
			continue;
		in = xgrow(in, n, &cap, sizeof(*in));
		memset(&in[n], 0, sizeof(in[n]));
		in[n].lineno = lineno;
		if (nf == 3)
			fwconf_fail(&e, FWCONF_REFUSED, "more than a name and "
			    "an address");
		else if ((in[n].name = norm_name(f[0], &e)) != NULL &&
		    strcmp(in[n].name, own) == 0)
			fwconf_fail(&e, FWCONF_REFUSED, "%s: the firewall's own "
			    "name (fw-svc hostname) is entered automatically",
			    in[n].name);
		else if (in[n].name != NULL &&
		    (in[n].value = norm_addr(nf == 2 ? f[1] : "", &e)) != NULL) {
			n++;
			continue;
		}
		free(in[n].name);
		if (bad++ < REPORT_MAX)
			warnx("%s:%zu: %s", src, lineno, e.msg);
	}
	if (n > 0)
		qsort(in, n, sizeof(*in), by_name);
	for (i = 1; i < n; i++)
		if (strcmp(in[i - 1].name, in[i].name) == 0 && bad++ < REPORT_MAX)
			warnx("%s:%zu: %s: also on line %zu", src, in[i].lineno,
			    in[i].name, in[i - 1].lineno);
	if (bad > 0)
		errx(FWCONF_REFUSED, "%s: %zu bad line%s; nothing imported", src,
		    bad, bad == 1 ? "" : "s");
	*np = n;
	return in;
}

static int
cmd_import(int argc, char *argv[])
{
	struct fwconf_record *in;
	struct fwconf_table t;
	struct firewall fw;
	const char *src = "stdin";
	FILE *fp = stdin;
	struct audit a = { 0 };
	size_t n, len, i;
	bool replace = false;
	char *buf;
	struct stat st;
	int lock;

	writer_options(argc, argv, "import", "rv", &replace, &a, 0, -1);
	argc -= optind;
	argv += optind;
	if (argc > 1) {
		warnx("import: one file at most");
		usage();
	}
	if (argc == 1 && strcmp(argv[0], "-") != 0) {
		src = argv[0];
		if ((fp = fopen(src, "re")) == NULL)
			err(FWCONF_REFUSED, "%s", shown(src));
		if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode))
			errx(FWCONF_REFUSED, "%s: a directory, not a file of "
			    "entries; nothing imported", shown(src));
	}
	buf = read_stream(fp, src, &len);
	if (fp != stdin)
		fclose(fp);
	if (memchr(buf, '\0', len) != NULL)
		errx(FWCONF_REFUSED, "%s: NUL byte; nothing imported", src);
	/* The name is read again under the lock: it may change meanwhile. */
	read_firewall(&fw);
	in = parse_import(buf, src, fw.hostname, &n);
	free(buf);
	fwconf_settings_close(&fw.svc);

	lock = lock_for_writing();
	read_firewall(&fw);
	for (i = 0; i < n; i++)
		if (strcmp(in[i].name, fw.hostname) == 0)
			errx(FWCONF_REFUSED, "%s:%zu: %s: the firewall's own name "
			    "(fw-svc hostname) is entered automatically; nothing "
			    "imported", src, in[i].lineno, in[i].name);
	open_table(&t);
	if (fwconf_table_merge(&t, in, n, replace, note, &a) == -1)
		err(FWCONF_SYSTEM, NULL);
	write_table(&t);
	fwconf_unlock(lock);
	audit_flush(&a, replace ? "import -r" : "import");
	free(in);
	fwconf_table_free(&t);
	fwconf_settings_close(&fw.svc);
	return 0;
}

/*
 * What dnsmasq loads as an addn-hosts file, which it re-reads on SIGHUP.
 * The first line naming an address decides its reverse lookup, and the
 * first name on a line is the canonical one: the firewall's own line comes
 * first, and every line leads with the full name.
 */
/*
 * What dnsmasq loads (bin/render/dnsmasq.c), made whole in memory first:
 * a record the rules refuse stops it with nothing written.
 */
static int
cmd_render(int argc, char *argv[])
{
	struct fwconf_table t;
	struct firewall fw;
	char *buf = NULL, *addr;
	size_t i, len = 0;
	FILE *mem;

	(void)argc;
	(void)argv;
	read_firewall(&fw);
	open_table(&t);
	if ((mem = open_memstream(&buf, &len)) == NULL)
		err(FWCONF_SYSTEM, "render");
	render_dnsmasq_hosts_head(&fw.names, mem);
	for (i = 0; i < t.nrecs; i++) {
		record_ok(&t, &t.recs[i], &fw, true, &addr);
		render_dnsmasq_host(&fw.names, t.recs[i].name, addr, mem);
		free(addr);
	}
	if (fclose(mem) == EOF)
		err(FWCONF_SYSTEM, "render");
	fwconf_table_free(&t);
	fwconf_settings_close(&fw.svc);
	fwrite(buf, 1, len, stdout);
	free(buf);
	fshut(stdout, "stdout");
	return 0;
}

/* Hidden, for fw-apply import: every entry by the rules; exit 1 if any
 * is refused, each said. */
static int
cmd_verify(int argc, char *argv[])
{
	struct fwconf_table t;
	struct firewall fw;
	size_t i;
	int bad = 0;

	(void)argc;
	(void)argv;
	read_firewall(&fw);
	open_table(&t);
	for (i = 0; i < t.nrecs; i++)
		if (!record_ok(&t, &t.recs[i], &fw, false, NULL))
			bad = 1;
	fwconf_table_free(&t);
	fwconf_settings_close(&fw.svc);
	return bad;
}

static const struct verb verbs[] = {
	{ "list", cmd_list, "[pattern]", 0, 1, 0 },
	{ "add", cmd_add, "[-v] name [address]", 1, 2, VERB_OPTIONS },
	{ "set", cmd_set, "[-v] name address", 2, 2, VERB_OPTIONS },
	{ "del", cmd_del, "[-v] name ... | del [-v] -", 1, -1, VERB_OPTIONS },
	{ "import", cmd_import, "[-rv] [file | -]", 0, -1, VERB_OPTIONS },
	{ "render", cmd_render, "", 0, 0, 0 },
	{ "verify", cmd_verify, "", 0, 0, VERB_HIDDEN },
	{ NULL, NULL, NULL, 0, 0, 0 }
};

int
main(int argc, char *argv[])
{
	int skip;

	verb_common(argc, argv, usage_to, verbs);
	skip = root_option(argc, argv, usage);
	return verb_dispatch(verbs, lead, argc - skip, argv + skip);
}
