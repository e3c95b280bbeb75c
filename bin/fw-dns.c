/*
 * fw-dns: the local DNS entries (the manual's "DNS Entries"): names in
 * the internal net, each with an address or, without one, an alias of the
 * firewall.  The table is ROOT/etc/mpfw/dns, in exactly the form `list`
 * prints: name TAB address, sorted by name.
 *
 * The table is read in place (fwconf_view): mapped, never parsed whole
 * into memory.  Every verb trusts a table only once it is known good: this
 * very file was checked before (by any fw-dns, or written by one), or it
 * is checked now, in one pass, which then counts for the next command.
 * So `list NAME` is a bisection of the file, as look(1) does, and an add,
 * set or del is one durable rewrite: the old file copied around the line
 * that changes.
 */
#include <err.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "render/render.h"
#include "util.h"
#include "verb.h"

/* Audit lines per command; a bulk import logs a summary beyond this. */
#define AUDIT_MAX 100
/* Bad input lines reported before the rest are only counted. */
#define REPORT_MAX 20
/* The rules a table is checked against, and their version: a table
 * checked under other rules is checked again. */
#define RULES "fw-dns-1"

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

/* The table is mapped: one truncated under us is a system failure. */
static void
on_sigbus(int sig)
{
	static const char msg[] = "fw-dns: the table was truncated while it "
	    "was read\n";

	(void)sig;
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(FWCONF_SYSTEM);
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
	fw->names.domain_len = strlen(fw->domain);
	fw->names.lan_ip_len = strlen(fw->lan_ip);
	/* The schema bounds them; a line must fit DNSMASQ_LINE_MAX. */
	if (fw->names.domain_len > 253 || fw->names.lan_ip_len > 45)
		errx(FWCONF_SYSTEM, "services: domain or lan_ip too long");
}

/*
 * Standard output in large writes, without stdio: a listing or a rendered
 * table of a hundred thousand lines is 2 to 4 MB.  A write error (a full
 * disk) is fatal: exit 3.
 */
static struct {
	char	 b[65536];
	size_t	 n;
} out;

static void
out_write(const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(STDOUT_FILENO, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			err(FWCONF_SYSTEM, "stdout");
		}
		p += w;
		n -= (size_t)w;
	}
}

static void
out_flush(void)
{
	out_write(out.b, out.n);
	out.n = 0;
}

static void
out_put(const char *p, size_t n)
{
	if (out.n + n > sizeof(out.b)) {
		out_flush();
		/* A large piece (the whole file, for list) goes directly. */
		if (n >= sizeof(out.b) / 2) {
			out_write(p, n);
			return;
		}
	}
	memcpy(out.b + out.n, p, n);
	out.n += n;
}

/* Room for one more line of at most n bytes, at the end of out. */
static char *
out_room(size_t n)
{
	if (out.n + n > sizeof(out.b))
		out_flush();
	return out.b + out.n;
}

static void
open_view(struct fwconf_view *v)
{
	struct fwconf_err e;
	char path[4096];

	if (fwconf_settings_path(path, sizeof(path), "dns") == -1)
		err(FWCONF_SYSTEM, "dns");
	if (fwconf_view_open(v, path, &e) == -1)
		die(&e);
}

static char *
dupn(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
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
 * The quick rules: an RFC 1123 label of at most 63 letters, digits and
 * inner hyphens, in lower case when lower is set (as stored), else folded
 * to it in place by the caller.
 */
static bool
quick_label(const char *s, size_t n, bool lower)
{
	size_t i;
	char c;

	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++) {
		c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || (!lower && c >= 'A' && c <= 'Z')))
			return false;
	}
	return true;
}

/* Dotted decimal, four numbers 0-255 without leading zeros: an IPv4
 * address in the one form it is stored in. */
static bool
quick_ipv4(const char *s, size_t n)
{
	size_t i = 0, digits;
	unsigned int v, part;

	if (n < 7 || n > 15)
		return false;
	for (part = 0; part < 4; part++) {
		v = 0;
		for (digits = 0; i < n && s[i] >= '0' && s[i] <= '9'; digits++)
			v = v * 10 + (unsigned int)(s[i++] - '0');
		if (digits == 0 || digits > 3 || v > 255 ||
		    (digits > 1 && s[i - digits] == '0'))
			return false;
		if (part < 3 && (i >= n || s[i++] != '.'))
			return false;
	}
	return i == n;
}

/* A record the quick rules take is good and in normal form; any other goes
 * the slow way, through fwconf_validate, which says why. */
static bool
quick_ok(const char *name, size_t nlen, const char *value, size_t vlen)
{
	return quick_label(name, nlen, true) &&
	    (vlen == 0 || quick_ipv4(value, vlen));
}

/* How a record the quick rules did not take fares. */
enum verdict { GOOD, OLDFORM, BAD };

/*
 * A record read from the file, the slow way: why the rules refuse it (a
 * hand edit), in e, or an address in an older normal form, in *addr.
 */
static enum verdict
judge(const struct fwconf_vrec *r, const struct firewall *fw, char **addr,
    struct fwconf_err *e)
{
	char *name = dupn(r->name, r->nlen), *value = dupn(r->value, r->vlen);
	char *n, *a = NULL;
	enum verdict v = BAD;

	n = norm_name(name, e);
	if (n != NULL && strcmp(n, name) != 0)
		fwconf_fail(e, FWCONF_REFUSED, "%s: not in lower case", name);
	else if (n != NULL && fw != NULL && strcmp(n, fw->hostname) == 0)
		fwconf_fail(e, FWCONF_REFUSED, "%s: the firewall's own name",
		    name);
	else if (n != NULL && (a = norm_addr(value, e)) != NULL)
		v = strcmp(a, value) == 0 ? GOOD : OLDFORM;
	/* An older form of a valid address (an IPv6 address an earlier
	 * mpfw wrote dotted) is said, and rendered as it is written now. */
	if (v == OLDFORM)
		fwconf_fail(e, FWCONF_REFUSED, "%s: address %s is now written %s "
		    "(fw-dns set %s %s)", name, value, a, name, a);
	free(n);
	free(name);
	free(value);
	if (addr != NULL && v != BAD)
		*addr = a;
	else
		free(a);
	return v;
}

/* What a check of the whole table does with each record. */
enum how { QUIET, WARN, FATAL };

struct check {
	enum how how;
	const char *pattern;		/* WARN: only the names it matches */
	const struct firewall *fw;	/* the own name is refused too */
};

static bool
check_record(void *arg, const struct fwconf_view *v,
    const struct fwconf_vrec *r)
{
	const struct check *c = arg;
	struct fwconf_err e;
	enum verdict verdict;
	char *name;
	bool say;

	if (quick_ok(r->name, r->nlen, r->value, r->vlen) &&
	    (c->fw == NULL || strlen(c->fw->hostname) != r->nlen ||
	    memcmp(c->fw->hostname, r->name, r->nlen) != 0))
		return true;
	verdict = judge(r, c->fw, NULL, &e);
	if (verdict == GOOD)
		return true;
	if (verdict == BAD && c->how == FATAL)
		errx(FWCONF_REFUSED, "%s:%zu: %s", v->path, r->lineno, e.msg);
	say = c->how != QUIET;
	if (say && c->pattern != NULL) {
		name = dupn(r->name, r->nlen);
		say = fnmatch(c->pattern, name, FNM_CASEFOLD) == 0;
		free(name);
	}
	if (say)
		warnx("%s:%zu: %s", v->path, r->lineno, e.msg);
	return false;
}

/*
 * Make the view's records trustworthy: known good from before, or checked
 * now, as c says, and then noted for the next reader.  True when every
 * record is good and in normal form.
 */
static bool
check_view(struct fwconf_view *v, const struct check *c)
{
	struct fwconf_err e;
	int r;

	if (fwconf_view_trusted(v, RULES))
		return true;
	if ((r = fwconf_view_check(v, check_record, (void *)c, &e)) == -1)
		die(&e);
	/* A writer writes a new file, and notes that one. */
	if (r == 1 && c->how != QUIET)
		fwconf_view_trust(v, RULES);
	return r == 1;
}

/* The line number of the record at offset line, counted: only for a
 * message. */
static size_t
line_number(const struct fwconf_view *v, size_t line)
{
	const char *p = v->buf, *end = v->buf + line;
	size_t n = 1;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		p++;
		n++;
	}
	return n;
}

/* A trusted table holds no bad record, but the own name may have become
 * one since: fw-svc refuses it, a hand edit of services does not. */
static void
refuse_own_entry(const struct fwconf_view *v, const struct firewall *fw)
{
	struct fwconf_vrec r;

	if (fwconf_view_find(v, fw->hostname, strlen(fw->hostname), &r) == 1)
		errx(FWCONF_REFUSED, "%s:%zu: %s: the firewall's own name",
		    v->path, line_number(v, r.line), fw->hostname);
}

static char *
dup_or_null(const char *s, size_t n)
{
	return s != NULL ? dupn(s, n) : NULL;
}

static void
note(struct audit *a, const char *name, size_t nlen, const char *old,
    size_t olen, const char *new, size_t newlen)
{
	if (old == NULL)
		a->added++;
	else if (new == NULL)
		a->deleted++;
	else
		a->changed++;
	if (a->v != NULL)
		fprintf(a->v, "%.*s\t%.*s\t%.*s\n", (int)nlen, name,
		    old != NULL ? (int)olen : 6, old != NULL ? old : "(none)",
		    new != NULL ? (int)newlen : 6, new != NULL ? new : "(none)");
	if (a->n < AUDIT_MAX) {
		a->lines[a->n][0] = dupn(name, nlen);
		a->lines[a->n][1] = dup_or_null(old, olen);
		a->lines[a->n][2] = dup_or_null(new, newlen);
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

/* ---- writing: the old file around what changes ---- */

struct writer {
	struct fwconf_out o;
	const struct fwconf_view *v;
	size_t	 nrecs;		/* records written */
	bool	 plain;		/* every line written is a record with a tab */
	off_t	 size;
};

static void
begin_write(struct writer *w, const struct fwconf_view *v)
{
	struct fwconf_err e;

	memset(w, 0, sizeof(*w));
	w->v = v;
	w->plain = v->plain || !v->exists || v->len == 0;
	if (fwconf_out_open(&w->o, v->path, v->exists ? v->st.st_mode & 07777 :
	    0644, v->exists ? v->st.st_uid : (uid_t)-1, v->exists ?
	    v->st.st_gid : (gid_t)-1, &e) == -1)
		die(&e);
}

static void
put(struct writer *w, const char *p, size_t n)
{
	fwconf_out_write(&w->o, p, n);
	w->size += (off_t)n;
}

/* Bytes [from, to) of the old file; every line ends with LF. */
static void
put_old(struct writer *w, size_t from, size_t to)
{
	if (from >= to)
		return;
	put(w, w->v->buf + from, to - from);
	if (to == w->v->len && w->v->buf[to - 1] != '\n')
		put(w, "\n", 1);
}

static void
put_line(struct writer *w, const char *name, size_t nlen, const char *value,
    size_t vlen)
{
	put(w, name, nlen);
	put(w, "\t", 1);
	put(w, value, vlen);
	put(w, "\n", 1);
}

/* good: the table written was checked and every new line is valid, so
 * the next command trusts it without a check. */
static void
end_write(struct writer *w, bool good)
{
	struct fwconf_err e;

	if (fwconf_out_close(&w->o, &e) == -1)
		die(&e);
	if (good)
		fwconf_trust_written(w->v->path, RULES, w->nrecs, w->plain,
		    w->size);
}

/* ---- the verbs ---- */

/* A pattern without glob characters names one entry: found by bisection. */
static bool
plain_name(const char *p)
{
	return strpbrk(p, "*?[\\") == NULL;
}

static void
print_record(const struct fwconf_vrec *r)
{
	/* Its line as it is, when it has its tab. */
	if (r->value == r->name + r->nlen + 1 && r->end > r->line &&
	    r->name[r->end - r->line - 1] == '\n') {
		out_put(r->name, r->end - r->line);
		return;
	}
	out_put(r->name, r->nlen);
	out_put("\t", 1);
	out_put(r->value, r->vlen);
	out_put("\n", 1);
}

static int
cmd_list(int argc, char *argv[])
{
	struct check c = { .how = WARN };
	struct fwconf_view v;
	struct fwconf_vrec r;
	const char *pattern = argc == 2 ? argv[1] : NULL;
	char key[64], *name;
	size_t pos = 0, n = 0, i;
	bool good;

	open_view(&v);
	c.pattern = pattern;
	good = check_view(&v, &c);
	if (pattern != NULL && good && plain_name(pattern)) {
		/* Stored names are lower-case labels: fold, then look. */
		for (i = 0; pattern[i] != '\0' && i < sizeof(key) - 1; i++)
			key[i] = pattern[i] >= 'A' && pattern[i] <= 'Z' ?
			    (char)(pattern[i] - 'A' + 'a') : pattern[i];
		key[i] = '\0';
		if (pattern[i] == '\0' && fwconf_view_find(&v, key, i, &r) == 1) {
			print_record(&r);
			n++;
		}
	} else if (pattern == NULL && v.plain) {
		/* Every line a record with its tab: the file is the listing. */
		out_put(v.buf, v.len);
		n = v.nrecs;
	} else
		while (fwconf_view_next(&v, &pos, &r)) {
			if (pattern != NULL) {
				name = dupn(r.name, r.nlen);
				i = fnmatch(pattern, name, FNM_CASEFOLD) != 0;
				free(name);
				if (i)
					continue;
			}
			print_record(&r);
			n++;
		}
	fwconf_view_close(&v);
	out_flush();
	/* As grep: a pattern that matches no entry is a "no". */
	return pattern != NULL && n == 0 ? FWCONF_REFUSED : 0;
}

static int
cmd_add(int argc, char *argv[])
{
	struct check c = { .how = QUIET };
	struct fwconf_view v;
	struct fwconf_vrec r;
	struct firewall fw;
	struct fwconf_err e;
	struct writer w;
	struct audit a = { 0 };
	char *name, *addr;
	bool good;
	int lock, o;

	o = writer_options(argc, argv, "add", "+v", NULL, &a, 1, 2);
	name = name_or_die(argv[o]);
	if ((addr = norm_addr(argc - o == 2 ? argv[o + 1] : "", &e)) == NULL)
		die(&e);
	lock = lock_for_writing();
	read_firewall(&fw);
	refuse_own_name(&fw, name);
	open_view(&v);
	good = check_view(&v, &c);
	if (fwconf_view_find(&v, name, strlen(name), &r) == 1)
		errx(FWCONF_REFUSED, "%s: already an entry; change it with "
		    "fw-dns set", name);
	begin_write(&w, &v);
	put_old(&w, 0, r.start);
	put_line(&w, name, strlen(name), addr, strlen(addr));
	put_old(&w, r.start, v.len);
	w.nrecs = v.nrecs + 1;
	end_write(&w, good);
	note(&a, name, strlen(name), NULL, 0, addr, strlen(addr));
	fwconf_unlock(lock);
	audit_flush(&a, "add");
	fwconf_view_close(&v);
	fwconf_settings_close(&fw.svc);
	free(name);
	free(addr);
	return 0;
}

static int
cmd_set(int argc, char *argv[])
{
	struct check c = { .how = QUIET };
	struct fwconf_view v;
	struct fwconf_vrec r;
	struct fwconf_err e;
	struct writer w;
	struct audit a = { 0 };
	char *name, *addr;
	size_t alen;
	bool good;
	int lock, o;

	o = writer_options(argc, argv, "set", "+v", NULL, &a, 2, 2);
	name = name_or_die(argv[o]);
	if ((addr = norm_addr(argv[o + 1], &e)) == NULL)
		die(&e);
	alen = strlen(addr);
	lock = lock_for_writing();
	open_view(&v);
	good = check_view(&v, &c);
	if (fwconf_view_find(&v, name, strlen(name), &r) != 1)
		errx(FWCONF_REFUSED, "%s: no such entry; add it with fw-dns add",
		    name);
	if (r.vlen != alen || memcmp(r.value, addr, alen) != 0 || v.resorted) {
		if (r.vlen != alen || memcmp(r.value, addr, alen) != 0)
			note(&a, name, strlen(name), r.value, r.vlen, addr, alen);
		begin_write(&w, &v);
		put_old(&w, 0, r.line);
		put_line(&w, name, strlen(name), addr, alen);
		put_old(&w, r.end, v.len);
		w.nrecs = v.nrecs;
		end_write(&w, good);
	}
	fwconf_unlock(lock);
	audit_flush(&a, "set");
	fwconf_view_close(&v);
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
by_start(const void *a, const void *b)
{
	const struct fwconf_vrec *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int
cmd_del(int argc, char *argv[])
{
	struct check c = { .how = QUIET };
	struct fwconf_view v;
	struct fwconf_vrec *gone;
	struct writer w;
	struct audit a = { 0 };
	char **names;
	size_t n, i, k = 0, missing = 0, at;
	bool good;
	int lock, o;

	o = writer_options(argc, argv, "del", "+v", NULL, &a, 1, -1);
	names = del_names(argc - o, argv + o, &n);
	lock = lock_for_writing();
	open_view(&v);
	good = check_view(&v, &c);
	gone = xreallocarray(NULL, n + 1, sizeof(*gone));
	for (i = 0; i < n; i++)
		if (fwconf_view_find(&v, names[i], strlen(names[i]),
		    &gone[k]) == 1)
			k++;
		else if (i > 0 && strcmp(names[i], names[i - 1]) == 0)
			continue;	/* said once */
		else if (missing++ < REPORT_MAX)
			warnx("%s: no such entry", names[i]);
	if (missing > 0)
		errx(FWCONF_REFUSED, "%zu name%s not found; nothing deleted",
		    missing, missing == 1 ? "" : "s");
	/* In file order, each once however often it was named. */
	qsort(gone, k, sizeof(*gone), by_start);
	begin_write(&w, &v);
	for (at = 0, i = 0; i < k; i++) {
		if (i > 0 && gone[i].start == gone[i - 1].start)
			continue;
		put_old(&w, at, gone[i].start);
		at = gone[i].end;
		note(&a, gone[i].name, gone[i].nlen, gone[i].value,
		    gone[i].vlen, NULL, 0);
	}
	put_old(&w, at, v.len);
	w.nrecs = v.nrecs - a.deleted;
	end_write(&w, good);
	fwconf_unlock(lock);
	audit_flush(&a, "del");
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(gone);
	fwconf_view_close(&v);
	return 0;
}

/*
 * An input record of import: offsets into the input (or, for an address
 * whose normal form is longer than what was written, into the arena).
 */
struct irec {
	uint32_t name, addr, lineno;
	uint8_t	 nlen, alen;
	uint8_t	 in_arena;
};

struct input {
	char	*buf;		/* the input, names folded in place */
	char	*arena;		/* normal forms that did not fit */
	size_t	 alen, acap;
	struct irec *v;
	size_t	 n, cap;
};

static const char *
iname(const struct input *in, const struct irec *r)
{
	return in->buf + r->name;
}

static const char *
iaddr(const struct input *in, const struct irec *r)
{
	return (r->in_arena ? in->arena : in->buf) + r->addr;
}

static const struct input *sort_input;

static int
by_iname(const void *a, const void *b)
{
	const struct irec *x = a, *y = b;
	size_t n = x->nlen < y->nlen ? x->nlen : y->nlen;
	int c = memcmp(iname(sort_input, x), iname(sort_input, y), n);

	if (c == 0)
		c = x->nlen < y->nlen ? -1 : x->nlen > y->nlen;
	return c != 0 ? c : x->lineno < y->lineno ? -1 : x->lineno > y->lineno;
}

/* One input line's fields; false for a bad line, e saying why. */
static bool
parse_line(struct input *in, char *f[2], size_t len[2], int nf, size_t lineno,
    const char *own, struct fwconf_err *e)
{
	struct irec r = { 0 };
	char *s, *a;
	size_t i, n;

	if (nf == 3)
		return fwconf_fail(e, FWCONF_REFUSED, "more than a name and an "
		    "address"), false;
	if (quick_label(f[0], len[0], false)) {
		for (i = 0; i < len[0]; i++)
			if (f[0][i] >= 'A' && f[0][i] <= 'Z')
				f[0][i] = (char)(f[0][i] - 'A' + 'a');
	} else {
		s = dupn(f[0], len[0]);
		a = norm_name(s, e);
		free(s);
		if (a == NULL)
			return false;
		/* The quick rules and the library's agree; a name the
		 * library takes and they do not is taken as it writes it. */
		n = strlen(a);
		if (n > len[0] || n > 63) {
			free(a);
			return fwconf_fail(e, FWCONF_REFUSED, "name=%.*s: must "
			    "be one DNS label", (int)len[0], f[0]), false;
		}
		memcpy(f[0], a, n);
		len[0] = n;
		free(a);
	}
	if (strlen(own) == len[0] && memcmp(own, f[0], len[0]) == 0)
		return fwconf_fail(e, FWCONF_REFUSED, "%s: the firewall's own "
		    "name (fw-svc hostname) is entered automatically", own),
		    false;
	r.name = (uint32_t)(f[0] - in->buf);
	r.nlen = (uint8_t)len[0];
	r.lineno = (uint32_t)lineno;
	if (nf == 1 || quick_ipv4(f[1], len[1])) {
		r.addr = nf == 1 ? r.name : (uint32_t)(f[1] - in->buf);
		r.alen = nf == 1 ? 0 : (uint8_t)len[1];
	} else {
		s = dupn(f[1], len[1]);
		a = norm_addr(s, e);
		free(s);
		if (a == NULL)
			return false;
		n = strlen(a);
		if (n <= len[1]) {
			memcpy(f[1], a, n);
			r.addr = (uint32_t)(f[1] - in->buf);
		} else {
			in->arena = xgrow(in->arena, in->alen + n, &in->acap, 1);
			while (in->acap < in->alen + n)
				in->arena = xgrow(in->arena, in->acap, &in->acap,
				    1);
			memcpy(in->arena + in->alen, a, n);
			r.addr = (uint32_t)in->alen;
			r.in_arena = 1;
			in->alen += n;
		}
		r.alen = (uint8_t)n;
		free(a);
	}
	in->v = xgrow(in->v, in->n, &in->cap, sizeof(*in->v));
	in->v[in->n++] = r;
	return true;
}

/*
 * Parse import lines, "name [address]", into records sorted by name.
 * Every bad line is counted and the first ones said; any makes it exit 1.
 */
static void
parse_import(struct input *in, size_t len, const char *src, const char *own)
{
	struct fwconf_err e;
	char *line, *next, *end = in->buf + len, *f[3];
	size_t flen[3], lineno = 0, bad = 0, i;
	bool sorted = true;
	int nf;

	if (len > UINT32_MAX / 2)
		errx(FWCONF_REFUSED, "%s: too large to import", src);
	sort_input = in;
	for (line = in->buf; line < end; line = next) {
		lineno++;
		if ((next = memchr(line, '\n', (size_t)(end - line))) == NULL)
			next = end;
		for (nf = 0; nf < 3 && line < next; nf++) {
			while (line < next && (*line == ' ' || *line == '\t'))
				line++;
			if (line == next || (*line == '#' && nf == 0))
				break;
			f[nf] = line;
			while (line < next && *line != ' ' && *line != '\t')
				line++;
			flen[nf] = (size_t)(line - f[nf]);
		}
		if (next < end)
			next++;
		if (nf == 0)
			continue;
		if (flen[0] > 255 || (nf > 1 && flen[1] > 255)) {
			fwconf_fail(&e, FWCONF_REFUSED, "a name or address "
			    "longer than 255 bytes");
		} else if (parse_line(in, f, flen, nf, lineno, own, &e)) {
			if (in->n > 1 && sorted && by_iname(&in->v[in->n - 2],
			    &in->v[in->n - 1]) >= 0)
				sorted = false;
			continue;
		}
		if (bad++ < REPORT_MAX)
			warnx("%s:%zu: %s", src, lineno, e.msg);
	}
	/* `list` output, or any sorted input, needs no sort. */
	if (!sorted)
		qsort(in->v, in->n, sizeof(*in->v), by_iname);
	for (i = 1; i < in->n; i++)
		if (in->v[i - 1].nlen == in->v[i].nlen &&
		    memcmp(iname(in, &in->v[i - 1]), iname(in, &in->v[i]),
		    in->v[i].nlen) == 0 && bad++ < REPORT_MAX)
			warnx("%s:%u: %.*s: also on line %u", src,
			    in->v[i].lineno, (int)in->v[i].nlen,
			    iname(in, &in->v[i]), in->v[i - 1].lineno);
	if (bad > 0)
		errx(FWCONF_REFUSED, "%s: %zu bad line%s; nothing imported", src,
		    bad, bad == 1 ? "" : "s");
}

/*
 * Merge the sorted input into the table, one pass over both: a new name
 * goes in before the comment lines of the next record, a known one takes
 * the new address, and with replace the names not in the input go, with
 * the comment lines above them.  With w NULL, only counts the changes.
 */
static size_t
merge(const struct fwconf_view *v, const struct input *in, bool replace,
    struct writer *w, struct audit *a)
{
	struct fwconf_vrec r;
	const struct irec *x;
	size_t pos = 0, from = 0, j = 0, changes = 0, nrecs = 0, tail;
	bool more;
	int c;

	more = fwconf_view_next(v, &pos, &r);
	while (more || j < in->n) {
		x = j < in->n ? &in->v[j] : NULL;
		if (!more)
			c = 1;
		else if (x == NULL)
			c = -1;
		else {
			size_t n = r.nlen < x->nlen ? r.nlen : x->nlen;

			c = memcmp(r.name, iname(in, x), n);
			if (c == 0)
				c = r.nlen < x->nlen ? -1 : r.nlen > x->nlen;
		}
		if (c < 0) {			/* only in the table */
			if (replace) {
				changes++;
				if (w != NULL) {
					put_old(w, from, r.start);
					from = r.end;
					note(a, r.name, r.nlen, r.value, r.vlen,
					    NULL, 0);
				}
			} else
				nrecs++;
			more = fwconf_view_next(v, &pos, &r);
		} else if (c > 0) {		/* only in the input */
			changes++;
			nrecs++;
			if (w != NULL) {
				/* Before the next record's comment lines, or
				 * before those that end the file. */
				tail = more ? r.start : pos;
				put_old(w, from, tail);
				from = tail;
				put_line(w, iname(in, x), x->nlen, iaddr(in, x),
				    x->alen);
				note(a, iname(in, x), x->nlen, NULL, 0,
				    iaddr(in, x), x->alen);
			}
			j++;
		} else {			/* both: the new address */
			nrecs++;
			if (r.vlen != x->alen || memcmp(r.value, iaddr(in, x),
			    x->alen) != 0) {
				changes++;
				if (w != NULL) {
					put_old(w, from, r.line);
					from = r.end;
					put_line(w, r.name, r.nlen, iaddr(in, x),
					    x->alen);
					note(a, r.name, r.nlen, r.value, r.vlen,
					    iaddr(in, x), x->alen);
				}
			}
			j++;
			more = fwconf_view_next(v, &pos, &r);
		}
	}
	if (w != NULL) {
		put_old(w, from, v->len);
		w->nrecs = nrecs;
	}
	return changes;
}

static int
cmd_import(int argc, char *argv[])
{
	struct check c = { .how = QUIET };
	struct input in = { 0 };
	struct fwconf_view v;
	struct firewall fw;
	struct writer w;
	const char *src = "stdin";
	FILE *fp = stdin;
	struct audit a = { 0 };
	size_t len, i;
	bool replace = false, good;
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
	in.buf = read_stream(fp, src, &len);
	if (fp != stdin)
		fclose(fp);
	if (memchr(in.buf, '\0', len) != NULL)
		errx(FWCONF_REFUSED, "%s: NUL byte; nothing imported", src);
	/* The name is read again under the lock: it may change meanwhile. */
	read_firewall(&fw);
	parse_import(&in, len, src, fw.hostname);
	fwconf_settings_close(&fw.svc);

	lock = lock_for_writing();
	read_firewall(&fw);
	for (i = 0; i < in.n; i++)
		if (in.v[i].nlen == strlen(fw.hostname) &&
		    memcmp(iname(&in, &in.v[i]), fw.hostname, in.v[i].nlen) == 0)
			errx(FWCONF_REFUSED, "%s:%u: %s: the firewall's own name "
			    "(fw-svc hostname) is entered automatically; nothing "
			    "imported", src, in.v[i].lineno, fw.hostname);
	open_view(&v);
	good = check_view(&v, &c);
	if (merge(&v, &in, replace, NULL, NULL) > 0 || v.resorted) {
		begin_write(&w, &v);
		merge(&v, &in, replace, &w, &a);
		end_write(&w, good);
	}
	fwconf_unlock(lock);
	audit_flush(&a, replace ? "import -r" : "import");
	fwconf_view_close(&v);
	fwconf_settings_close(&fw.svc);
	free(in.buf);
	free(in.arena);
	free(in.v);
	return 0;
}

/* ---- rendering ---- */

/*
 * The addresses more than one line of the hosts files names (an alias
 * names the firewall's, as the firewall's own line does): a set, as an
 * open hash table of pointers into the table.
 */
struct shared {
	const char **addr;
	size_t	*len;
	unsigned char *count;
	size_t	 size;		/* a power of two */
};

static size_t
slot(const struct shared *sh, const char *a, size_t n)
{
	size_t i = (size_t)render_dnsmasq_shard_hash(a, n) & (sh->size - 1);

	while (sh->addr[i] != NULL && (sh->len[i] != n ||
	    memcmp(sh->addr[i], a, n) != 0))
		i = (i + 1) & (sh->size - 1);
	return i;
}

static void
count_addr(struct shared *sh, const char *a, size_t n)
{
	size_t i = slot(sh, a, n);

	sh->addr[i] = a;
	sh->len[i] = n;
	if (sh->count[i] < 2)
		sh->count[i]++;
}

static void
find_shared(struct shared *sh, const struct fwconf_view *v,
    const struct firewall *fw)
{
	struct fwconf_vrec r;
	size_t pos = 0;

	for (sh->size = 64; sh->size < 2 * (v->nrecs + 1); sh->size *= 2)
		;
	sh->addr = xreallocarray(NULL, sh->size, sizeof(*sh->addr));
	sh->len = xreallocarray(NULL, sh->size, sizeof(*sh->len));
	sh->count = xmalloc(sh->size);
	memset(sh->addr, 0, sh->size * sizeof(*sh->addr));
	memset(sh->count, 0, sh->size);
	count_addr(sh, fw->lan_ip, fw->names.lan_ip_len);
	while (fwconf_view_next(v, &pos, &r))
		if (r.vlen == 0)
			count_addr(sh, fw->lan_ip, fw->names.lan_ip_len);
		else
			count_addr(sh, r.value, r.vlen);
}

/*
 * Which file of the hosts directory a line goes to (render.h): by its
 * name, so that a change of address rewrites one file; but every line of
 * an address that several lines name goes by that address, to one file,
 * so that the first line naming it, which decides its reverse lookup,
 * stays first however dnsmasq reads the files.  The firewall's line goes
 * by its address.
 */
static int
shard_of(const struct shared *sh, const struct firewall *fw,
    const struct fwconf_vrec *r)
{
	const char *a = r->vlen > 0 ? r->value : fw->lan_ip;
	size_t n = r->vlen > 0 ? r->vlen : fw->names.lan_ip_len;

	if (sh->count[slot(sh, a, n)] > 1)
		return render_dnsmasq_shard(a, n);
	return render_dnsmasq_shard(r->name, r->nlen);
}

/* What render writes: one shard, the bulk file, or everything. */
#define ALL	(-1)
#define BULK	(-2)

static int
render_arg(const char *s)
{
	const char *errstr;
	long long n;

	if (strcmp(s, "bulk") == 0)
		return BULK;
	if (strlen(s) != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' ||
	    s[1] > '9') {
		warnx("render %s: a shard from 00 to %02d, or bulk", shown(s),
		    DNSMASQ_SHARDS - 1);
		usage();
	}
	n = strtonum(s, 0, DNSMASQ_SHARDS - 1, &errstr);
	if (errstr != NULL) {
		warnx("render %s: a shard from 00 to %02d, or bulk", shown(s),
		    DNSMASQ_SHARDS - 1);
		usage();
	}
	return (int)n;
}

/*
 * What dnsmasq loads (bin/render/dnsmasq.c), written as it is read: every
 * record was checked before the first byte goes out, so one the rules
 * refuse stops it with nothing written.
 *
 * Without an operand, every entry in one hosts file.  fw-apply installs
 * them as a hosts directory, DNSMASQ_SHARDS files (render NN) that dnsmasq
 * watches and re-reads one by one, keeping its cache; a table of more than
 * DNSMASQ_HOSTSDIR_MAX entries goes to the one file of render bulk
 * instead, re-read on SIGHUP (fw-dns(1), CAVEATS), and its shards are
 * empty.
 */
static int
cmd_render(int argc, char *argv[])
{
	struct check c = { .how = FATAL };
	struct shared sh = { 0 };
	struct fwconf_view v;
	struct fwconf_vrec r;
	struct firewall fw;
	struct fwconf_err e;
	int what = argc == 2 ? render_arg(argv[1]) : ALL, own;
	size_t pos = 0, lanlen;
	bool trusted, big;
	char *addr;

	read_firewall(&fw);
	open_view(&v);
	c.fw = &fw;
	if ((trusted = check_view(&v, &c)))
		refuse_own_entry(&v, &fw);
	big = v.nrecs > DNSMASQ_HOSTSDIR_MAX;
	lanlen = strlen(fw.lan_ip);
	own = render_dnsmasq_shard(fw.lan_ip, lanlen);
	if (what == ALL)
		render_dnsmasq_hosts_head(&fw.names, stdout);
	else if (what == BULK)
		render_dnsmasq_bulk_head(&fw.names, big, stdout);
	else
		render_dnsmasq_shard_head(&fw.names, what, what == own, big,
		    stdout);
	fshut(stdout, "stdout");
	if (what == BULK && !big)
		goto done;
	if (what >= 0 && big)
		goto done;
	if (what >= 0)
		find_shared(&sh, &v, &fw);
	while (fwconf_view_next(&v, &pos, &r)) {
		if (what >= 0 && shard_of(&sh, &fw, &r) != what)
			continue;
		if (trusted || quick_ok(r.name, r.nlen, r.value, r.vlen)) {
			out.n += render_dnsmasq_host(&fw.names, r.name, r.nlen,
			    r.value, r.vlen, out_room(DNSMASQ_LINE_MAX));
			continue;
		}
		/* Checked above: an address in an older form, said there. */
		if (judge(&r, &fw, &addr, &e) == BAD)
			errx(FWCONF_REFUSED, "%s: %s", v.path, e.msg);
		out.n += render_dnsmasq_host(&fw.names, r.name, r.nlen, addr,
		    strlen(addr), out_room(DNSMASQ_LINE_MAX));
		free(addr);
	}
done:
	free(sh.addr);
	free(sh.len);
	free(sh.count);
	fwconf_view_close(&v);
	fwconf_settings_close(&fw.svc);
	out_flush();
	return 0;
}

/* Hidden, for fw-apply import: every entry by the rules; exit 1 if any
 * is refused, each said. */
static int
cmd_verify(int argc, char *argv[])
{
	struct check c = { .how = WARN };
	struct fwconf_view v;
	struct firewall fw;
	struct fwconf_err e;
	int r;

	(void)argc;
	(void)argv;
	read_firewall(&fw);
	open_view(&v);
	c.fw = &fw;
	/* Always checked through: the table may come from elsewhere. */
	if ((r = fwconf_view_check(&v, check_record, &c, &e)) == -1)
		die(&e);
	fwconf_view_close(&v);
	fwconf_settings_close(&fw.svc);
	return r == 1 ? 0 : 1;
}

static const struct verb verbs[] = {
	{ "list", cmd_list, "[pattern]", 0, 1, 0 },
	{ "add", cmd_add, "[-v] name [address]", 1, 2, VERB_OPTIONS },
	{ "set", cmd_set, "[-v] name address", 2, 2, VERB_OPTIONS },
	{ "del", cmd_del, "[-v] name ... | del [-v] -", 1, -1, VERB_OPTIONS },
	{ "import", cmd_import, "[-rv] [file | -]", 0, -1, VERB_OPTIONS },
	{ "render", cmd_render, "[shard | bulk]", 0, 1, 0 },
	{ "verify", cmd_verify, "", 0, 0, VERB_HIDDEN },
	{ NULL, NULL, NULL, 0, 0, 0 }
};

int
main(int argc, char *argv[])
{
	int skip;

	signal(SIGBUS, on_sigbus);
	verb_common(argc, argv, usage_to, verbs);
	skip = root_option(argc, argv, usage);
	return verb_dispatch(verbs, lead, argc - skip, argv + skip);
}
