/*
 * fw-maint: maintenance and update access (the manual's "Wartungs- und
 * Update-Zugang"): ROOT/etc/mpfw/maint, and the support team's public
 * keys in ROOT/etc/mpfw/maint-keys.  Support logs in on the maintenance
 * port as a dedicated account while the admin keeps access open; sshd
 * itself closes it (expiry-time in the account's authorized keys).  The
 * files it renders are written by bin/render/{sshd,ssh,cron}.c; this file
 * keeps the tool, its verbs and its rules between keys.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <curl/curl.h>
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "kv.h"
#include "render/render.h"
#include "util.h"

#define KEYS_FILE	"maint-keys"	/* in etc/mpfw, beside the settings */
#define WEEK		(7 * 24 * 3600LL)
#define DEFAULT_OPEN	(4 * 3600LL)
#define RSA_MIN_BITS	3072
#define KEY_MAX		16384		/* one authorized_keys line */
#define GECOS		"mpfw maintenance access"
#define INDEX_MAX	(256 * 1024)
#define FETCH_TIMEOUT	60L		/* seconds, the whole fetch */
#define CONNECT_TIMEOUT	15L
#define SSH_KEYGEN	"ssh-keygen"

/* ---- support keys ---- */

/*
 * The key types taken, and why the others are not.  DSA is broken and
 * gone from OpenSSH; RSA below 3072 bits is short of today's 128-bit
 * strength (NIST SP 800-57); a certificate needs a CA fw-maint does not
 * set up.
 */
static const char *const key_types[] = {
	"ssh-ed25519", "sk-ssh-ed25519@openssh.com", "ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
	"sk-ecdsa-sha2-nistp256@openssh.com", "ssh-rsa", NULL
};

struct sshkey {
	char	*text;		/* "TYPE BASE64[ COMMENT]", as rendered */
	char	*type;
	char	*comment;	/* "" for none */
	char	 fp[128];	/* SHA256:... */
	int	 bits;
};

static void
sshkey_free(struct sshkey *k)
{
	free(k->text);
	free(k->type);
	free(k->comment);
	memset(k, 0, sizeof(*k));
}

static bool
listed(const char *const *list, const char *word)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, word) == 0)
			return true;
	return false;
}

static bool
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && strcmp(s + n - m, tail) == 0;
}

/*
 * Run argv with in on its standard input; its standard output, cut at
 * size, in out.  Returns the exit status, or -1 when it did not run.
 */
static int
run_filter(char *const argv[], const char *in, char *out, size_t size)
{
	int pin[2], pout[2], status;
	size_t len = 0, left = strlen(in);
	ssize_t n;
	pid_t pid;
	void (*old)(int);

	if (pipe2(pin, O_CLOEXEC) == -1 || pipe2(pout, O_CLOEXEC) == -1)
		err(FWCONF_SYSTEM, "pipe");
	if ((pid = fork()) == -1)
		err(FWCONF_SYSTEM, "fork");
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (dup2(pin[0], 0) == -1 || dup2(pout[1], 1) == -1 ||
		    (null != -1 && dup2(null, 2) == -1))
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	old = signal(SIGPIPE, SIG_IGN);
	/* A key is far less than a pipe holds: all of it goes in first. */
	while (left > 0) {
		if ((n = write(pin[1], in, left)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		in += n;
		left -= (size_t)n;
	}
	close(pin[1]);
	while ((n = read(pout[0], out + len, size - 1 - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			break;
		len += (size_t)n;
		if (len == size - 1)
			break;
	}
	out[len] = '\0';
	close(pout[0]);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			err(FWCONF_SYSTEM, "waitpid");
	signal(SIGPIPE, old);
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 127)
		return -1;
	return WEXITSTATUS(status);
}

/*
 * The fingerprint and size ssh-keygen -l gives the key: "BITS SHA256:..
 * COMMENT (TYPE)".  Returns false, with why, when it refuses the key.
 */
static bool
keygen_fingerprint(struct sshkey *k, const char *b64, char *why,
    size_t whysz)
{
	char *argv[] = { (char *)SSH_KEYGEN, (char *)"-l", (char *)"-E",
	    (char *)"sha256", (char *)"-f", (char *)"-", NULL };
	char in[KEY_MAX + 128], out[1024];
	const char *errstr;
	char *sp;
	int r;

	snprintf(in, sizeof(in), "%s %s\n", k->type, b64);
	r = run_filter(argv, in, out, sizeof(out));
	if (r == -1)
		errx(FWCONF_SYSTEM, "%s: cannot run it; it checks every key",
		    SSH_KEYGEN);
	if (r != 0 || (sp = strchr(out, ' ')) == NULL ||
	    strncmp(sp + 1, "SHA256:", 7) != 0) {
		snprintf(why, whysz, "not a valid %s key (ssh-keygen -l "
		    "refuses it)", k->type);
		return false;
	}
	*sp = '\0';
	k->bits = (int)strtonum(out, 1, 65536, &errstr);
	if (errstr != NULL) {
		snprintf(why, whysz, "ssh-keygen -l gives no size");
		return false;
	}
	sp += 1;
	sp[strcspn(sp, " \n")] = '\0';
	strlcpy(k->fp, sp, sizeof(k->fp));
	return true;
}

/*
 * One line of maint-keys (or the host key): "TYPE BASE64[ COMMENT]".
 * Options are refused: fw-maint writes its own (the window, the
 * sources), and one of the line's could widen them.  Returns false, with
 * why, when the key is refused.
 */
static bool
parse_key(const char *line, struct sshkey *k, bool host, char *why,
    size_t whysz)
{
	char *copy = xstrdup(line), *p = copy, *type, *b64, *comment;
	bool ok = false;

	memset(k, 0, sizeof(*k));
	while (*p == ' ' || *p == '\t')
		p++;
	type = p;
	p += strcspn(p, " \t");
	if (*p != '\0')
		*p++ = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	b64 = p;
	p += strcspn(p, " \t");
	if (*p != '\0')
		*p++ = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	comment = p;
	for (p = comment + strlen(comment); p > comment &&
	    (p[-1] == ' ' || p[-1] == '\t'); p--)
		p[-1] = '\0';

	if (strlen(line) > KEY_MAX)
		snprintf(why, whysz, "longer than %d bytes", KEY_MAX);
	else if (strpbrk(type, "=\",") != NULL || strcmp(type, "restrict") ==
	    0 || strncmp(type, "no-", 3) == 0)
		snprintf(why, whysz, "options before the key are not taken: "
		    "fw-maint gives every key its own (the window and "
		    "maint_from)");
	else if (strcmp(type, "ssh-dss") == 0)
		snprintf(why, whysz, "a DSA key: DSA is broken and disabled "
		    "in OpenSSH; use ed25519");
	else if (ends_with(type, "-cert-v01@openssh.com"))
		snprintf(why, whysz, "%.60s: a certificate, not a key",
		    type);
	else if (!listed(key_types, type) ||
	    (host && strncmp(type, "sk-", 3) == 0))
		snprintf(why, whysz, "%.60s: not a key type taken (ed25519, "
		    "ecdsa, rsa of %d bits or more)", type, RSA_MIN_BITS);
	else if (*b64 == '\0' || strspn(b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/=") != strlen(b64))
		snprintf(why, whysz, "%s: no key in base64 after the type",
		    type);
	else {
		for (p = comment; *p != '\0'; p++)
			if ((unsigned char)*p < ' ' || *p == 0x7f)
				break;
		if (*p != '\0')
			snprintf(why, whysz, "a control character in the "
			    "comment");
		else {
			k->type = xstrdup(type);
			ok = keygen_fingerprint(k, b64, why, whysz);
		}
	}
	if (ok && strcmp(k->type, "ssh-rsa") == 0 && k->bits < RSA_MIN_BITS) {
		snprintf(why, whysz, "an RSA key of %d bits: at least %d are "
		    "needed", k->bits, RSA_MIN_BITS);
		ok = false;
	}
	if (ok) {
		k->comment = xstrdup(comment);
		if (asprintf(&k->text, "%s %s%s%s", type, b64,
		    *comment ? " " : "", comment) == -1)
			err(FWCONF_SYSTEM, NULL);
	} else
		sshkey_free(k);
	free(copy);
	return ok;
}

/* A key as the audit log names it: type and comment, not the key. */
static void
audit_key(const struct sshkey *k, bool added)
{
	char *what;

	if (asprintf(&what, "%s%s%s", k->type, *k->comment ? " " : "",
	    k->comment) == -1)
		err(FWCONF_SYSTEM, NULL);
	fwconf_audit(KEYS_FILE, k->fp, added ? NULL : what, added ? what :
	    NULL, false);
	free(what);
}

/* A line of the keys file that holds no key. */
static bool
blank_line(const char *s)
{
	s += strspn(s, " \t");
	return *s == '\0' || *s == '#';
}

/* The keys file, its lines as read, and the keys of its key lines. */
struct keyfile {
	char	 path[PATH_MAX];
	char	*buf;
	char	**lines;
	size_t	 nlines;
	struct sshkey *keys;	/* per line; type NULL: no key, or bad */
	bool	 exists;
	mode_t	 mode;
};

static void
keyfile_free(struct keyfile *f)
{
	size_t i;

	for (i = 0; i < f->nlines; i++)
		sshkey_free(&f->keys[i]);
	free(f->keys);
	free(f->lines);
	free(f->buf);
	memset(f, 0, sizeof(*f));
}

/*
 * Read and check every key.  A bad line (a hand edit) is said on stderr
 * with its number; with fatal, it ends the command: no bad key is ever
 * rendered.  Returns the number of bad lines.
 */
static size_t
keyfile_read(struct keyfile *f, bool fatal)
{
	struct fwconf_err e;
	struct stat st;
	char why[256], *p;
	size_t len, bad = 0, i;
	int r;

	memset(f, 0, sizeof(*f));
	if (fwconf_settings_path(f->path, sizeof(f->path), KEYS_FILE) == -1)
		errx(FWCONF_SYSTEM, "%s: path too long", KEYS_FILE);
	if ((r = fwconf_read_all(f->path, &f->buf, &len, &st, &e)) == -1)
		die(&e);
	f->exists = r == 0;
	f->mode = f->exists ? st.st_mode & 07777 : 0600;
	if (!f->exists)
		f->buf = xstrdup("");
	if (strlen(f->buf) != len)
		errx(FWCONF_SYSTEM, "%s: a NUL byte in the file", f->path);
	for (p = f->buf; *p != '\0'; ) {
		f->lines = xreallocarray(f->lines, f->nlines + 1,
		    sizeof(*f->lines));
		f->lines[f->nlines++] = p;
		p += strcspn(p, "\n");
		if (*p == '\n')
			*p++ = '\0';
	}
	f->keys = xreallocarray(NULL, f->nlines + 1, sizeof(*f->keys));
	for (i = 0; i < f->nlines; i++) {
		memset(&f->keys[i], 0, sizeof(f->keys[i]));
		if (blank_line(f->lines[i]))
			continue;
		if (!parse_key(f->lines[i], &f->keys[i], false, why,
		    sizeof(why))) {
			if (fatal)
				errx(FWCONF_REFUSED, "%s:%zu: %s", f->path,
				    i + 1, why);
			warnx("%s:%zu: %s", f->path, i + 1, why);
			bad++;
		}
	}
	return bad;
}

static ssize_t
keyfile_find(const struct keyfile *f, const char *fp)
{
	size_t i;

	for (i = 0; i < f->nlines; i++)
		if (f->keys[i].type != NULL && strcmp(f->keys[i].fp, fp) == 0)
			return (ssize_t)i;
	return -1;
}

static size_t
keyfile_count(const struct keyfile *f)
{
	size_t i, n = 0;

	for (i = 0; i < f->nlines; i++)
		if (f->keys[i].type != NULL)
			n++;
	return n;
}

/* ---- time ---- */

/* "2026-11-26T15:30:00Z", UTC; false when it is not one. */
static bool
parse_until(const char *v, time_t *t)
{
	struct tm tm, back;
	char z;

	memset(&tm, 0, sizeof(tm));
	if (strlen(v) != 20 || sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2d%c",
	    &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
	    &tm.tm_sec, &z) != 7 || z != 'Z' || v[4] != '-' || v[7] != '-' ||
	    v[13] != ':' || v[16] != ':' || strspn(v, "0123456789-:TZ") != 20)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	back = tm;
	*t = timegm(&tm);
	return *t != (time_t)-1 && tm.tm_year == back.tm_year &&
	    tm.tm_mon == back.tm_mon && tm.tm_mday == back.tm_mday &&
	    tm.tm_hour == back.tm_hour && tm.tm_min == back.tm_min &&
	    tm.tm_sec == back.tm_sec;
}

static void
format_time(char *buf, size_t size, const char *fmt, time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, size, fmt, &tm) == 0)
		errx(FWCONF_SYSTEM, "%lld: not a time", (long long)t);
}

/*
 * A duration: numbers each with its unit, s, m, h, d or w ("4h",
 * "1h30m").  At most a week.  Returns false, with why.
 */
static bool
parse_duration(const char *s, long long *secs, char *why, size_t whysz)
{
	long long total = 0, n;
	const char *p = s;
	char *end;

	if (*s == '\0') {
		snprintf(why, whysz, "empty");
		return false;
	}
	while (*p != '\0') {
		if (!isdigit((unsigned char)*p)) {
			snprintf(why, whysz, "a number is missing before %.1s",
			    p);
			return false;
		}
		errno = 0;
		n = strtoll(p, &end, 10);
		if (errno != 0 || n > WEEK) {
			snprintf(why, whysz, "at most a week (7d)");
			return false;
		}
		switch (*end) {
		case 's': break;
		case 'm': n *= 60; break;
		case 'h': n *= 3600; break;
		case 'd': n *= 86400; break;
		case 'w': n *= WEEK; break;
		default:
			snprintf(why, whysz, "%.20s: each number needs its "
			    "unit: s, m, h, d or w", p);
			return false;
		}
		total += n;
		if (total > WEEK) {
			snprintf(why, whysz, "at most a week (7d)");
			return false;
		}
		p = end + 1;
	}
	if (total == 0) {
		snprintf(why, whysz, "must be longer than nothing");
		return false;
	}
	*secs = total;
	return true;
}

/* "3h59m", "2d4h", "12s": the largest two units that are not zero. */
static void
format_duration(char *buf, size_t size, long long s)
{
	static const struct { char unit; long long secs; } u[] = {
		{ 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 }
	};
	size_t i, shown = 0, len = 0;

	buf[0] = '\0';
	for (i = 0; i < 4 && shown < 2; i++) {
		if (s < u[i].secs && !(shown == 0 && i == 3))
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%lld%c",
		    s / u[i].secs, u[i].unit);
		s %= u[i].secs;
		shown++;
		if (len >= size)
			break;
	}
}

/* ---- rules between keys, and beyond the schema ---- */

static bool
touched(const struct fwconf_settings *s, bool all, const char *key)
{
	return all || fwconf_settings_changed(s, key);
}

static int
check_user(const struct fwconf_settings *s, bool all, struct fwconf_err *e)
{
	const char *u = render_get(s, "maint_user"), *v;
	struct passwd *pw;

	if (strcmp(u, "root") == 0)
		return fwconf_fail(e, FWCONF_REFUSED, "maint_user=root: the "
		    "maintenance account is never root");
	/* The machine's accounts are asked only when the name changes. */
	if (!all && fwconf_settings_changed(s, "maint_user") &&
	    (pw = getpwnam(u)) != NULL && (pw->pw_uid == 0 ||
	    strcmp(pw->pw_gecos, GECOS) != 0))
		return fwconf_fail(e, FWCONF_REFUSED, "maint_user=%s: an "
		    "account of this machine that mpfw did not create; it is "
		    "never taken over", u);
	v = render_get(s, "maint_tunnel_user");
	if (touched(s, all, "maint_tunnel_user") && (*v == '\0' ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != strlen(v) ||
	    !(islower((unsigned char)*v) || *v == '_')))
		return fwconf_fail(e, FWCONF_REFUSED, "maint_tunnel_user=%s: "
		    "must be a user name: a lower-case letter or _, then "
		    "letters, digits, _, . or -", v);
	return 0;
}

static int
check_until(const struct fwconf_settings *s, bool all, struct fwconf_err *e)
{
	const char *v = render_get(s, "maint_until");
	time_t t;

	if (*v == '\0' || !touched(s, all, "maint_until"))
		return 0;
	if (!parse_until(v, &t))
		return fwconf_fail(e, FWCONF_REFUSED, "maint_until=%s: must "
		    "be a time in UTC like 2026-11-26T15:30:00Z", v);
	/* A stored end stays valid as time passes; only a new one is held
	 * to the week. */
	if (!all && (long long)t - (long long)time(NULL) > WEEK)
		return fwconf_fail(e, FWCONF_REFUSED, "maint_until=%s: at most "
		    "a week ahead", v);
	return 0;
}

static int
check_tunnel(const struct fwconf_settings *s, bool all, struct fwconf_err *e)
{
	static const char *const need[] = { "maint_tunnel_host",
	    "maint_tunnel_remote_port", "maint_tunnel_hostkey", NULL };
	const char *hk = render_get(s, "maint_tunnel_hostkey");
	const char *const *n;
	struct sshkey k;
	char why[256];
	bool any = all || fwconf_settings_changed(s, "maint_tunnel");

	for (n = need; *n != NULL; n++)
		any = any || fwconf_settings_changed(s, *n);
	if (any && render_yes(s, "maint_tunnel"))
		for (n = need; *n != NULL; n++)
			if (*render_get(s, *n) == '\0')
				return fwconf_fail(e, FWCONF_REFUSED,
				    "maint_tunnel=yes: needs %s", *n);
	if (*hk == '\0' || !touched(s, all, "maint_tunnel_hostkey"))
		return 0;
	if (!parse_key(hk, &k, true, why, sizeof(why)))
		return fwconf_fail(e, FWCONF_REFUSED, "maint_tunnel_hostkey: "
		    "%s", why);
	/* Only the key is pinned; a comment has no place in known_hosts. */
	if (*k.comment != '\0') {
		sshkey_free(&k);
		return fwconf_fail(e, FWCONF_REFUSED, "maint_tunnel_hostkey: "
		    "the type and the key only, without a host name or a "
		    "comment");
	}
	sshkey_free(&k);
	return 0;
}

static int
check_update(const struct fwconf_settings *s, bool all, struct fwconf_err *e)
{
	const char *url = render_get(s, "update_url");
	const char *ca = render_get(s, "update_ca");
	const char *t = render_get(s, "update_time");
	char path[PATH_MAX];
	struct stat st;

	if (touched(s, all, "update_url") && *url != '\0' &&
	    strncasecmp(url, "https://", 8) != 0)
		return fwconf_fail(e, FWCONF_REFUSED, "update_url=%s: must be "
		    "an https URL: the index is trusted for its TLS "
		    "certificate", url);
	if ((touched(s, all, "update") || touched(s, all, "update_url")) &&
	    render_yes(s, "update") && *url == '\0')
		return fwconf_fail(e, FWCONF_REFUSED, "update=yes: needs "
		    "update_url");
	if (touched(s, all, "update_ca") && *ca != '\0' && (*ca != '/' ||
	    !fwconf_is_bare(ca)))
		return fwconf_fail(e, FWCONF_REFUSED, "update_ca=%s: must be "
		    "an absolute path of letters, digits and _.,:/@%%+=-", ca);
	/* The file is the machine's: asked when the key changes only, so
	 * that a CA file gone does not stop the other units' renders. */
	if (!all && fwconf_settings_changed(s, "update_ca") && *ca != '\0' &&
	    (fwconf_path(path, sizeof(path), ca) == -1 ||
	    stat(path, &st) == -1 || !S_ISREG(st.st_mode)))
		return fwconf_fail(e, FWCONF_REFUSED, "update_ca=%s: no such "
		    "file%s%s", ca, *fwconf_root() ? " under " : "",
		    fwconf_root());
	if (touched(s, all, "update_time") && (strlen(t) != 5 || t[2] != ':' ||
	    !isdigit((unsigned char)t[0]) || !isdigit((unsigned char)t[1]) ||
	    !isdigit((unsigned char)t[3]) || !isdigit((unsigned char)t[4]) ||
	    atoi(t) > 23 || atoi(t + 3) > 59))
		return fwconf_fail(e, FWCONF_REFUSED, "update_time=%s: must "
		    "be a time of day as HH:MM, from 00:00 to 23:59", t);
	return 0;
}

static int
check_maint(const struct fwconf_settings *s, bool all, struct fwconf_err *e)
{
	if (check_user(s, all, e) == -1 || check_until(s, all, e) == -1 ||
	    check_tunnel(s, all, e) == -1 || check_update(s, all, e) == -1)
		return -1;
	return 0;
}

/* ---- render ---- */

/* The end of the window, or 0 when it is closed (or over). */
static time_t
window_end(const struct fwconf_settings *s)
{
	const char *v = render_get(s, "maint_until");
	time_t t;

	if (*v == '\0' || !parse_until(v, &t) || t <= time(NULL))
		return 0;
	return t;
}

/*
 * The sources of every key: maint_from, and the loopback too when the
 * tunnel is on, where its connections come from.
 */
static char *
from_patterns(const struct fwconf_settings *s)
{
	const char *from = render_get(s, "maint_from");
	char *out, *p;

	if (*from == '\0')
		return xstrdup("");
	if (asprintf(&out, "%s%s", from, render_yes(s, "maint_tunnel") ?
	    " 127.0.0.1 ::1" : "") == -1)
		err(FWCONF_SYSTEM, NULL);
	for (p = out; *p != '\0'; p++)
		if (*p == ' ')
			*p = ',';
	return out;
}

static int
render_keys(const struct fwconf_settings *s, FILE *out, struct fwconf_err *e)
{
	struct sshd_maint m;
	struct keyfile f;
	char expiry[32];
	time_t end = window_end(s);
	char *from = from_patterns(s);
	size_t i;

	(void)e;
	keyfile_read(&f, true);
	if (end != 0)
		format_time(expiry, sizeof(expiry), "%Y%m%d%H%M%SZ", end);
	m.expiry = end != 0 ? expiry : NULL;
	m.from = from;
	render_sshd_maint_head(&m, out);
	for (i = 0; i < f.nlines; i++)
		if (f.keys[i].type != NULL)
			render_sshd_maint_key(&m, f.keys[i].text, out);
	keyfile_free(&f);
	free(from);
	return 0;
}

/* fw-svc's maintenance port, which the tunnel leads back to. */
static char *
maint_port(void)
{
	const struct fwconf_schema *svc = fwconf_schema_builtin("services");
	const struct fwconf_key *k = fwconf_key_find(svc, "ssh_maint_port");
	struct fwconf_settings s;
	struct fwconf_err e;
	const char *bad;
	char *port;

	if (fwconf_settings_open(&s, svc, &e) == -1)
		die(&e);
	if ((bad = fwconf_settings_invalid(&s, k)) != NULL)
		errx(FWCONF_REFUSED, "services: %s", bad);
	port = xstrdup(fwconf_settings_get(&s, k));
	fwconf_settings_close(&s);
	return port;
}

static int
render_tunnel(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e, int (*fn)(const struct ssh_tunnel *, FILE *,
    struct fwconf_err *))
{
	struct ssh_tunnel t;
	char *port = maint_port();
	int r;

	t.on = render_yes(s, "maint_tunnel");
	t.host = render_get(s, "maint_tunnel_host");
	t.port = render_get(s, "maint_tunnel_port");
	t.user = render_get(s, "maint_tunnel_user");
	t.remote_port = render_get(s, "maint_tunnel_remote_port");
	t.hostkey = render_get(s, "maint_tunnel_hostkey");
	t.maint_port = port;
	t.until = (long long)window_end(s);
	r = fn(&t, out, e);
	free(port);
	return r;
}

static int
render_tunnel_config(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	return render_tunnel(s, out, e, render_ssh_tunnel_config);
}

static int
render_tunnel_known(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	return render_tunnel(s, out, e, render_ssh_tunnel_known_hosts);
}

static int
render_tunnel_until(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	return render_tunnel(s, out, e, render_ssh_tunnel_until);
}

/* ---- writing ---- */

/* Set (value) or reset (NULL) one key under the lock, as kv's set does. */
static void
write_key(const char *name, const char *value)
{
	const struct fwconf_key *k = fwconf_key_find(kv_schema(), name);
	struct fwconf_settings s;
	struct fwconf_err e;
	char *norm = NULL;
	int lock;

	if (value != NULL && (norm = fwconf_validate(k, value, &e)) == NULL)
		die(&e);
	lock = lock_for_writing();
	kv_open(&s);
	if ((norm != NULL ? fwconf_settings_set(&s, k, norm, &e) :
	    fwconf_settings_reset(&s, k, &e)) == -1)
		die(&e);
	if (s.nchanges > 0 &&
	    (fwconf_settings_check_rules(&s, true, &e) == -1 ||
	    check_maint(&s, false, &e) == -1 ||
	    fwconf_settings_write(&s, &e) == -1))
		die(&e);
	fwconf_unlock(lock);
	fwconf_settings_close(&s);
	free(norm);
}

static int
cmd_open(int argc, char *argv[])
{
	long long secs = DEFAULT_OPEN;
	struct keyfile f;
	char until[32], why[128];
	size_t n;
	int ch;

	while ((ch = verb_getopt(argc, argv, "t:", "open")) != -1) {
		if (ch != 't')
			exit(FWCONF_USAGE);
		if (!parse_duration(optarg, &secs, why, sizeof(why)))
			errx(FWCONF_REFUSED, "-t %s: %s", shown(optarg), why);
	}
	if (optind != argc) {
		warnx("open: %s: no operand is taken", shown(argv[optind]));
		exit(FWCONF_USAGE);
	}
	keyfile_read(&f, false);
	n = keyfile_count(&f);
	keyfile_free(&f);
	if (n == 0)
		errx(FWCONF_REFUSED, "open: no support key to let in (%s keys "
		    "add)", getprogname());
	format_time(until, sizeof(until), "%Y-%m-%dT%H:%M:%SZ",
	    time(NULL) + (time_t)secs);
	write_key("maint_until", until);
	return 0;
}

static int
cmd_close(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	write_key("maint_until", NULL);
	return 0;
}

/* ---- keys ---- */

static int
keys_list(void)
{
	struct keyfile f;
	size_t i, bad = keyfile_read(&f, false);

	for (i = 0; i < f.nlines; i++)
		if (f.keys[i].type != NULL)
			printf("%s\t%s\t%d\t%s\n", f.keys[i].fp,
			    f.keys[i].type, f.keys[i].bits,
			    f.keys[i].comment);
	keyfile_free(&f);
	fshut(stdout, "stdout");
	return bad > 0 ? FWCONF_REFUSED : 0;
}

static char *
read_input(const char *name, size_t *len)
{
	FILE *fp;
	char *buf;

	if (strcmp(name, "-") == 0)
		return read_stream(stdin, "stdin", len);
	if ((fp = fopen(name, "re")) == NULL)
		err(errno == ENOENT ? FWCONF_REFUSED : FWCONF_SYSTEM, "%s",
		    name);
	buf = read_stream(fp, name, len);
	fclose(fp);
	return buf;
}

/* The keys file rewritten, never world-readable, under the lock. */
static void
keyfile_write(struct keyfile *f, const char *text)
{
	struct fwconf_err e;
	mode_t mode = f->exists ? f->mode & 0660 : 0600;

	if (fwconf_mkdirs_parent(f->path, &e) == -1 ||
	    fwconf_write_atomic(f->path, text, strlen(text), mode, (uid_t)-1,
	    (gid_t)-1, &e) == -1)
		die(&e);
}

static void
append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 2 > *cap) {
		*cap = (*len + n + 2) * 2;
		*buf = xreallocarray(*buf, *cap, 1);
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[(*len)++] = '\n';
	(*buf)[*len] = '\0';
}

/*
 * keys add FILE|-: every line of the input checked first; one refused
 * and nothing is written.  A key already there is no change.
 */
static int
keys_add(const char *input)
{
	struct sshkey *in = NULL;
	struct keyfile f;
	size_t len, n = 0, i, j, lineno = 0, cap = 0, outlen = 0, added = 0;
	char *buf = read_input(input, &len), *line, *next, *out = NULL;
	char why[256];
	bool ok = true, dup;
	int lock;

	if (strlen(buf) != len)
		errx(FWCONF_REFUSED, "%s: a NUL byte in the input", input);
	for (line = buf; *line != '\0'; line = next) {
		next = line + strcspn(line, "\n");
		if (*next == '\n')
			*next++ = '\0';
		lineno++;
		if (blank_line(line))
			continue;
		in = xreallocarray(in, n + 1, sizeof(*in));
		if (!parse_key(line, &in[n], false, why, sizeof(why))) {
			warnx("%s:%zu: %s", strcmp(input, "-") == 0 ?
			    "stdin" : input, lineno, why);
			ok = false;
			continue;
		}
		n++;
	}
	if (!ok)
		exit(FWCONF_REFUSED);
	if (n == 0)
		errx(FWCONF_REFUSED, "keys add: no key in %s", strcmp(input,
		    "-") == 0 ? "stdin" : input);
	lock = lock_for_writing();
	if (keyfile_read(&f, false) > 0)
		errx(FWCONF_REFUSED, "%s: mend or delete the lines above "
		    "first", f.path);
	for (i = 0; i < f.nlines; i++)
		append(&out, &outlen, &cap, f.lines[i]);
	if (out == NULL)
		out = xstrdup("");
	for (i = 0; i < n; i++) {
		dup = keyfile_find(&f, in[i].fp) != -1;
		for (j = 0; j < i && !dup; j++)
			dup = strcmp(in[j].fp, in[i].fp) == 0;
		if (dup) {
			in[i].bits = 0;		/* not added: no audit line */
			continue;
		}
		append(&out, &outlen, &cap, in[i].text);
		added++;
	}
	if (added > 0)
		keyfile_write(&f, out);
	for (i = 0; i < n; i++)
		if (in[i].bits != 0)
			audit_key(&in[i], true);
	fwconf_unlock(lock);
	for (i = 0; i < n; i++)
		sshkey_free(&in[i]);
	free(in);
	free(out);
	free(buf);
	keyfile_free(&f);
	return 0;
}

/* keys del FINGERPRINT...|-: - reads them, the first field of a line. */
static int
keys_del(int argc, char *argv[])
{
	char **fps = NULL, *buf = NULL, *line, *next, *out = NULL;
	size_t n = 0, i, len, cap = 0, outlen = 0;
	struct keyfile f;
	bool ok = true, *gone;
	ssize_t at;
	int a, lock;

	if (argc == 1 && strcmp(argv[0], "-") == 0) {
		buf = read_stream(stdin, "stdin", &len);
		for (line = buf; *line != '\0'; line = next) {
			next = line + strcspn(line, "\n");
			if (*next == '\n')
				*next++ = '\0';
			line[strcspn(line, " \t")] = '\0';
			if (*line == '\0' || *line == '#')
				continue;
			fps = xreallocarray(fps, n + 1, sizeof(*fps));
			fps[n++] = line;
		}
	} else
		for (a = 0; a < argc; a++) {
			fps = xreallocarray(fps, n + 1, sizeof(*fps));
			fps[n++] = argv[a];
		}
	if (n == 0)
		errx(FWCONF_REFUSED, "keys del: no fingerprint given");
	lock = lock_for_writing();
	keyfile_read(&f, false);
	gone = xreallocarray(NULL, f.nlines + 1, sizeof(*gone));
	memset(gone, 0, (f.nlines + 1) * sizeof(*gone));
	for (i = 0; i < n; i++) {
		if ((at = keyfile_find(&f, fps[i])) == -1) {
			warnx("%s: no such key (see %s keys)", shown(fps[i]),
			    getprogname());
			ok = false;
			continue;
		}
		gone[at] = true;
	}
	if (!ok)
		exit(FWCONF_REFUSED);
	out = xstrdup("");
	for (i = 0; i < f.nlines; i++)
		if (!gone[i])
			append(&out, &outlen, &cap, f.lines[i]);
	keyfile_write(&f, out);
	for (i = 0; i < f.nlines; i++)
		if (gone[i])
			audit_key(&f.keys[i], false);
	fwconf_unlock(lock);
	keyfile_free(&f);
	free(gone);
	free(fps);
	free(buf);
	free(out);
	return 0;
}

static int
cmd_keys(int argc, char *argv[])
{
	if (argc == 1)
		return keys_list();
	if (strcmp(argv[1], "add") == 0 && argc == 3)
		return keys_add(argv[2]);
	if (strcmp(argv[1], "del") == 0 && argc >= 3)
		return keys_del(argc - 2, argv + 2);
	if (strcmp(argv[1], "add") == 0 || strcmp(argv[1], "del") == 0)
		warnx("keys %s: %s", argv[1], strcmp(argv[1], "add") == 0 ?
		    "one file, or - for stdin" : "fingerprints, or - for stdin");
	else
		warnx("keys: %s: add or del", shown(argv[1]));
	exit(FWCONF_USAGE);
}

/* ---- status ---- */

/*
 * What sshd enforces: the end of the window in the installed keys file
 * (the latest expiry-time), 0 when it lets no key in.
 */
static time_t
installed_end(size_t *nkeys)
{
	char path[PATH_MAX], *buf, *p, stamp[16];
	struct fwconf_err e;
	struct tm tm;
	time_t end = 0, t;
	size_t len;
	int r;

	*nkeys = 0;
	if (fwconf_path(path, sizeof(path), MAINT_KEYS) == -1)
		errx(FWCONF_SYSTEM, "%s: path too long", MAINT_KEYS);
	if ((r = fwconf_read_all(path, &buf, &len, NULL, &e)) == -1)
		die(&e);
	if (r == 1)
		return 0;
	for (p = buf; (p = strstr(p, "expiry-time=\"")) != NULL; p++) {
		memset(&tm, 0, sizeof(tm));
		strlcpy(stamp, p + 13, sizeof(stamp));
		if (strlen(stamp) != 15 || stamp[14] != 'Z' ||
		    strptime(stamp, "%Y%m%d%H%M%S", &tm) != stamp + 14)
			continue;
		(*nkeys)++;
		if ((t = timegm(&tm)) > end)
			end = t;
	}
	free(buf);
	return end;
}

/* A pid from a file, if that process lives; else 0. */
static pid_t
live_pid(const char *rel)
{
	char path[PATH_MAX], *buf;
	struct fwconf_err e;
	const char *errstr;
	size_t len;
	pid_t pid;

	if (fwconf_path(path, sizeof(path), rel) == -1 ||
	    fwconf_read_all(path, &buf, &len, NULL, &e) != 0)
		return 0;
	buf[strcspn(buf, "\n")] = '\0';
	pid = (pid_t)strtonum(buf, 1, INT_MAX, &errstr);
	free(buf);
	if (errstr != NULL || kill(pid, 0) == -1)
		return 0;
	return pid;
}

/* The last line that says something of a file under the root, or NULL. */
static char *
last_line(const char *rel)
{
	char path[PATH_MAX], *buf, *p, *line = NULL;
	struct fwconf_err e;
	size_t len;

	if (fwconf_path(path, sizeof(path), rel) == -1 ||
	    fwconf_read_all(path, &buf, &len, NULL, &e) != 0)
		return NULL;
	for (p = strtok(buf, "\r\n"); p != NULL; p = strtok(NULL, "\r\n"))
		if (p[strspn(p, " \t")] != '\0')
			line = p;
	if (line != NULL)
		for (p = line; *p != '\0'; p++)
			if ((unsigned char)*p < ' ')
				*p = ' ';
	line = line != NULL ? xstrdup(line) : NULL;
	free(buf);
	return line;
}

static void
status_tunnel(const struct fwconf_settings *s)
{
	pid_t sup, ssh;
	char *msg;

	if (!render_yes(s, "maint_tunnel")) {
		printf("tunnel\toff\n");
		return;
	}
	sup = live_pid("/run/mpfw/maint-tunnel.pid");
	ssh = sup != 0 ? live_pid("/run/mpfw/maint-tunnel.ssh") : 0;
	if (ssh != 0)
		printf("tunnel\tup\t%d\n", (int)ssh);
	else
		printf("tunnel\t%s\n", sup != 0 ? "connecting" : "down");
	if (ssh == 0 && (msg = last_line("/run/mpfw/maint-tunnel.log")) !=
	    NULL) {
		printf("tunnel_error\t%s\n", msg);
		free(msg);
	}
	if ((msg = last_line(TUNNEL_KEY ".pub")) != NULL) {
		printf("tunnel_key\t%s\n", msg);
		free(msg);
	}
}

/* The socket inodes a process holds. */
static size_t
socket_inodes(pid_t pid, unsigned long *ino, size_t max)
{
	char dir[64], path[PATH_MAX], link[64];
	struct dirent *de;
	size_t n = 0;
	ssize_t len;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL && n < max) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path) ||
		    (len = readlink(path, link, sizeof(link) - 1)) == -1)
			continue;
		link[len] = '\0';
		if (sscanf(link, "socket:[%lu]", &ino[n]) == 1)
			n++;
	}
	closedir(d);
	return n;
}

/* The remote address of an established TCP socket, from /proc/net. */
static bool
peer_address(const unsigned long *ino, size_t n, char *addr, size_t size)
{
	static const char *const tables[] = { "/proc/net/tcp",
	    "/proc/net/tcp6" };
	char line[512], rem[64];
	unsigned long inode;
	unsigned char bytes[16];
	unsigned int st, w;
	size_t t, i, b;
	FILE *fp;
	bool found = false;

	for (t = 0; t < 2 && !found; t++) {
		if ((fp = fopen(tables[t], "re")) == NULL)
			continue;
		while (!found && fgets(line, sizeof(line), fp) != NULL) {
			if (sscanf(line, " %*d: %*s %63[0-9A-Fa-f]:%*x %x "
			    "%*s %*s %*s %*d %*d %lu", rem, &st, &inode) != 3 ||
			    st != 1)
				continue;
			for (i = 0; i < n && ino[i] != inode; i++)
				;
			if (i == n || strlen(rem) != (t == 0 ? 8 : 32))
				continue;
			/* /proc/net prints each 32-bit word in host order. */
			for (b = 0; b < strlen(rem) / 2; b += 4) {
				sscanf(rem + b * 2, "%8x", &w);
				memcpy(bytes + b, &w, 4);
			}
			if (t == 0)
				inet_ntop(AF_INET, bytes, addr, (socklen_t)size);
			else if (memcmp(bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff",
			    12) == 0)
				inet_ntop(AF_INET, bytes + 12, addr,
				    (socklen_t)size);
			else
				inet_ntop(AF_INET6, bytes, addr, (socklen_t)size);
			found = true;
		}
		fclose(fp);
	}
	return found;
}

/*
 * A live process's name and real uid, from /proc/PID/status.  A zombie is
 * no session: one whose parent died waits for an init that may never
 * reap it.
 */
static bool
proc_owner(pid_t pid, char *name, size_t size, uid_t *uid)
{
	char path[64], line[256];
	unsigned int u;
	bool got = false;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fp = fopen(path, "re")) == NULL)
		return false;
	*name = '\0';
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "Name:\t", 6) == 0)
			strlcpy(name, line + 6, size);
		else if (strncmp(line, "State:\tZ", 8) == 0 ||
		    strncmp(line, "State:\tX", 8) == 0)
			break;
		else if (sscanf(line, "Uid: %u", &u) == 1) {
			*uid = (uid_t)u;
			got = true;
			break;
		}
	}
	fclose(fp);
	return got;
}

/* When a process began, from its starttime and the boot time. */
static void
proc_since(pid_t pid, long long btime, char *buf, size_t size)
{
	unsigned long long start;
	char path[64], line[1024], *p;
	FILE *fp;

	*buf = '\0';
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (btime <= 0 || (fp = fopen(path, "re")) == NULL)
		return;
	/* starttime is field 22, after a (comm) that may hold spaces. */
	if (fgets(line, sizeof(line), fp) != NULL &&
	    (p = strrchr(line, ')')) != NULL &&
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u "
	    "%*u %*d %*d %*d %*d %*d %*d %llu", &start) == 1)
		format_time(buf, size, "%Y-%m-%dT%H:%M:%SZ", (time_t)(btime +
		    (long long)(start / (unsigned long long)sysconf(
		    _SC_CLK_TCK))));
	fclose(fp);
}

/*
 * Who is logged in over the maintenance account: each of sshd's session
 * processes running as the account ("sshd: support@pts/0"), with the
 * address its connection comes from and when it began.
 */
static void
status_sessions(const char *user)
{
	char path[64], title[256], name[64], since[32], addr[64], line[256];
	struct passwd *pw = getpwnam(user);
	unsigned long ino[64];
	long long btime = 0;
	struct dirent *de;
	const char *tty;
	uid_t uid, maint;
	ssize_t len;
	pid_t pid;
	FILE *fp;
	DIR *d;
	int fd;

	if (pw == NULL)
		return;
	maint = pw->pw_uid;
	if ((d = opendir("/proc")) == NULL)
		return;
	if ((fp = fopen("/proc/stat", "re")) != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL)
			if (sscanf(line, "btime %lld", &btime) == 1)
				break;
		fclose(fp);
	}
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)atoi(de->d_name);
		if (!proc_owner(pid, name, sizeof(name), &uid) ||
		    strcmp(name, "sshd") != 0 || uid != maint)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			continue;
		len = read(fd, title, sizeof(title) - 1);
		close(fd);
		title[len > 0 ? len : 0] = '\0';
		tty = strchr(title, '@') != NULL ? strchr(title, '@') + 1 :
		    "notty";
		if (!peer_address(ino, socket_inodes(pid, ino, 64), addr,
		    sizeof(addr)))
			strlcpy(addr, "?", sizeof(addr));
		proc_since(pid, btime, since, sizeof(since));
		printf("session\t%d\t%s\t%s\t%s\n", (int)pid, addr,
		    shown(tty), since);
	}
	closedir(d);
}

/*
 * open or closed as sshd enforces it (the installed keys), until when,
 * what is saved but not applied, the keys, the tunnel and the sessions.
 * Exit 0 when open, 1 when closed.
 */
static int
cmd_status(int argc, char *argv[])
{
	struct fwconf_settings s;
	struct keyfile f;
	char buf[64], saved_until[32];
	time_t now = time(NULL), end, saved;
	size_t nkeys, nsaved;

	(void)argc;
	(void)argv;
	kv_open(&s);
	end = installed_end(&nkeys);
	if (end <= now)
		end = 0;
	saved = window_end(&s);
	keyfile_read(&f, false);
	nsaved = keyfile_count(&f);
	keyfile_free(&f);
	if (nsaved == 0)
		saved = 0;
	if (end != 0) {
		format_time(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", end);
		printf("access\topen\nuntil\t%s\n", buf);
		format_duration(buf, sizeof(buf), (long long)(end - now));
		printf("left\t%s\n", buf);
	} else
		printf("access\tclosed\n");
	if (saved != end) {
		if (saved != 0) {
			format_time(saved_until, sizeof(saved_until),
			    "%Y-%m-%dT%H:%M:%SZ", saved);
			printf("pending\topen\t%s\n", saved_until);
		} else
			printf("pending\tclosed\n");
	}
	printf("keys\t%zu\n", nsaved);
	status_tunnel(&s);
	status_sessions(render_get(&s, "maint_user"));
	fwconf_settings_close(&s);
	fshut(stdout, "stdout");
	return end != 0 ? 0 : FWCONF_REFUSED;
}

/* ---- check: the update index ---- */

struct fetch {
	char	*buf;
	size_t	 len;
};

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct fetch *f = arg;
	size_t cap;

	if (n == 0 || size == 0)
		return 0;
	if (f->len + n > INDEX_MAX)
		return 0;	/* CURLE_WRITE_ERROR: too large */
	cap = f->len + n + 1;
	f->buf = xreallocarray(f->buf, cap, 1);
	memcpy(f->buf + f->len, p, n);
	f->len += n;
	f->buf[f->len] = '\0';
	return n;
}

/* What went wrong, in the words the admin looks for. */
static const char *
curl_cause(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return "DNS";
	case CURLE_COULDNT_CONNECT:
		return "connect";
	case CURLE_OPERATION_TIMEDOUT:
		return "timeout";
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return "TLS verify";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
		return "TLS";
	case CURLE_WRITE_ERROR:
		return "index larger than 256 KiB";
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_TOO_MANY_REDIRECTS:
		return "redirect";
	default:
		return "transfer";
	}
}

/* Dotted numbers, compared number by number: -1, 0, 1; -2 if not. */
static int
version_cmp(const char *a, const char *b)
{
	unsigned long long x, y;
	char *ea, *eb;

	for (;;) {
		if (!isdigit((unsigned char)*a) || !isdigit((unsigned char)*b))
			return -2;
		errno = 0;
		x = strtoull(a, &ea, 10);
		y = strtoull(b, &eb, 10);
		if (errno != 0)
			return -2;
		if (x != y)
			return x < y ? -1 : 1;
		if (*ea == '\0' && *eb == '\0')
			return 0;
		if (*ea == '\0')
			return *eb == '.' ? -1 : -2;
		if (*eb == '\0')
			return *ea == '.' ? 1 : -2;
		if (*ea != '.' || *eb != '.')
			return -2;
		a = ea + 1;
		b = eb + 1;
	}
}

struct outcome {
	int	 status;	/* 0 current, 1 newer, 3 failed */
	int	 prio;		/* syslog */
	char	 msg[1024];	/* one line, for syslog and stderr */
};

static void
fail(struct outcome *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail(struct outcome *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->msg, sizeof(o->msg), fmt, ap);
	va_end(ap);
	o->status = 3;
	o->prio = LOG_ERR;
}

/* An index file name, made absolute against the index's URL. */
static char *
file_url(const char *base, const char *name)
{
	CURLU *u = curl_url();
	char *s = NULL, *out;

	if (u == NULL || curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_URL, name, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &s, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		return NULL;
	}
	out = xstrdup(s);
	curl_free(s);
	curl_url_cleanup(u);
	return out;
}

/*
 * The index, fw-maint(1) INDEX FORMAT: "mpfw-index 1" first, one
 * "release VERSION", and for it one or more "file SHA256 SIZE NAME".
 * Comments, blank lines and lines of other words (later versions) are
 * skipped.  What is newer is printed to stdout.
 */
static void
read_index(char *text, const char *url, struct outcome *o)
{
	char *line, *next, *w[5], *release = NULL, **files = NULL, *u, *note;
	size_t nfiles = 0, lineno = 0, i, nw;
	const char *errstr;
	bool head = false;
	int cmp;

	for (line = text; *line != '\0' && o->status != 3; line = next) {
		next = line + strcspn(line, "\n");
		if (*next == '\n')
			*next++ = '\0';
		lineno++;
		if (*line != '\0' && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		if (blank_line(line))
			continue;
		note = NULL;
		if (strncmp(line, "note ", 5) == 0)
			note = line + 5;
		for (nw = 0; nw < 5 && note == NULL; nw++) {
			line += strspn(line, " \t");
			if (*line == '\0')
				break;
			w[nw] = line;
			line += strcspn(line, " \t");
			if (*line != '\0')
				*line++ = '\0';
		}
		if (!head) {
			if (note != NULL || nw != 2 || strcmp(w[0],
			    "mpfw-index") != 0)
				fail(o, "%s: not an mpfw index (its first "
				    "line is not \"mpfw-index 1\")", url);
			else if (strcmp(w[1], "1") != 0)
				fail(o, "%s: index format %.20s; this "
				    "fw-maint reads format 1", url, w[1]);
			head = true;
		} else if (note != NULL) {
			for (u = note; *u != '\0'; u++)
				if ((unsigned char)*u < ' ')
					*u = ' ';
			files = xreallocarray(files, nfiles + 1,
			    sizeof(*files));
			if (asprintf(&files[nfiles++], "note\t%s", note) == -1)
				err(FWCONF_SYSTEM, NULL);
		} else if (strcmp(w[0], "release") == 0) {
			if (nw != 2 || release != NULL ||
			    version_cmp(w[1], w[1]) != 0)
				fail(o, "%s:%zu: release: one, as dotted "
				    "numbers like 1.2.0", url, lineno);
			else
				release = w[1];
		} else if (strcmp(w[0], "file") == 0) {
			if (nw != 4 || strlen(w[1]) != 64 ||
			    strspn(w[1], "0123456789abcdef") != 64) {
				fail(o, "%s:%zu: file: needs a SHA-256 in "
				    "lower-case hex, a size and a name", url,
				    lineno);
				break;
			}
			strtonum(w[2], 0, LLONG_MAX, &errstr);
			u = errstr == NULL ? file_url(url, w[3]) : NULL;
			if (u == NULL || strncasecmp(u, "https://", 8) != 0) {
				fail(o, "%s:%zu: file: a size in bytes and an "
				    "https URL or a name beside the index", url,
				    lineno);
				free(u);
				break;
			}
			files = xreallocarray(files, nfiles + 1,
			    sizeof(*files));
			if (asprintf(&files[nfiles++], "file\t%s\t%s\tsha256:%s",
			    u, w[2], w[1]) == -1)
				err(FWCONF_SYSTEM, NULL);
			free(u);
		}
	}
	if (o->status == 3)
		;
	else if (!head)
		fail(o, "%s: an empty index", url);
	else if (release == NULL)
		fail(o, "%s: the index names no release", url);
	else {
		for (i = 0; i < nfiles && strncmp(files[i], "file", 4) != 0;
		    i++)
			;
		cmp = version_cmp(release, MPFW_VERSION);
		if (i == nfiles)
			fail(o, "%s: release %s has no file with its SHA-256",
			    url, release);
		else if (cmp <= 0) {
			o->status = 0;
			o->prio = LOG_INFO;
			snprintf(o->msg, sizeof(o->msg), "up to date: %s "
			    "(the server has %s)", MPFW_VERSION, release);
		} else {
			o->status = 1;
			o->prio = LOG_NOTICE;
			snprintf(o->msg, sizeof(o->msg), "update available: "
			    "%s (installed %s)", release, MPFW_VERSION);
			printf("update\t%s\t%s\n", release, MPFW_VERSION);
			for (i = 0; i < nfiles; i++)
				printf("%s\n", files[i]);
		}
	}
	for (i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
}

/*
 * FW_MAINT_TIMEOUT: the seconds the whole fetch may take, 1 to 600;
 * default FETCH_TIMEOUT.  The connection must be made within
 * CONNECT_TIMEOUT of them, or within all of them if fewer.
 */
static long
fetch_timeout(void)
{
	return env_number("FW_MAINT_TIMEOUT", 1, 600, FETCH_TIMEOUT, "seconds");
}

/*
 * With update_proxy, fw-proxy's Squid where it listens: squid_port on
 * fw-svc's lan_ip, as from the internal network.  Squid takes the
 * firewall's request there as from lan_ip, one of lan_nets, its own
 * clients; it listens on nothing else, and a port of fw-maint's own
 * would only go stale.  "ADDR:PORT" in buf, or o failed.
 */
static void
local_proxy(char *buf, size_t len, struct outcome *o)
{
	static const struct { const char *schema, *key; } keys[] = {
		{ "services", "lan_ip" }, { "proxy", "squid" },
		{ "proxy", "squid_port" } };
	struct fwconf_settings svc, p;
	struct fwconf_err e;
	const char *bad = NULL;
	size_t i;

	if (fwconf_settings_open(&svc, fwconf_schema_builtin("services"),
	    &e) == -1) {
		fail(o, "%s", e.msg);
		return;
	}
	if (fwconf_settings_open(&p, fwconf_schema_builtin("proxy"),
	    &e) == -1) {
		fail(o, "%s", e.msg);
		fwconf_settings_close(&svc);
		return;
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && bad == NULL; i++) {
		const struct fwconf_settings *s = strcmp(keys[i].schema,
		    "services") == 0 ? &svc : &p;

		if ((bad = fwconf_settings_invalid(s,
		    fwconf_key_find(s->schema, keys[i].key))) != NULL)
			fail(o, "update_proxy: %s: %s", keys[i].schema, bad);
	}
	if (bad == NULL && !render_yes(&p, "squid"))
		fail(o, "update_proxy=yes, but fw-proxy's Squid is off "
		    "(fw-proxy squid=no): turn it on, or fetch directly with "
		    "update_proxy=no");
	else if (bad == NULL)
		snprintf(buf, len, "%s:%s", render_get(&svc, "lan_ip"),
		    render_get(&p, "squid_port"));
	fwconf_settings_close(&p);
	fwconf_settings_close(&svc);
}

/* Why a proxy answered CONNECT with code, where the admin can see it. */
static const char *
connect_hint(long code)
{
	switch (code) {
	case 403:
		return " (fw-proxy's https_ports, or lan_ip outside fw-svc's "
		    "lan_nets?)";
	case 407:
		return " (fw-proxy's auth=yes: the check has no password)";
	default:
		return "";
	}
}

/*
 * Fetch update_url as the settings say, through proxy ("ADDR:PORT") or,
 * if it is "", directly; the outcome in o.
 */
static void
fetch_index(const struct fwconf_settings *s, const char *proxy,
    struct outcome *o)
{
	const char *url = render_get(s, "update_url");
	const char *ca = render_get(s, "update_ca");
	char errbuf[CURL_ERROR_SIZE], cafile[PATH_MAX], purl[80], *p;
	struct fetch f = { NULL, 0 };
	long code = 0, pcode = 0, secs = fetch_timeout();
	CURLcode rc;
	CURL *c;

	if ((rc = curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK ||
	    (c = curl_easy_init()) == NULL)
		errx(FWCONF_SYSTEM, "libcurl: cannot start");
	errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, secs);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, secs < CONNECT_TIMEOUT ?
	    secs : CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE, (long)INDEX_MAX);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "fw-maint/" MPFW_VERSION);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &f);
	if (*ca != '\0') {
		if (fwconf_path(cafile, sizeof(cafile), ca) == -1)
			errx(FWCONF_SYSTEM, "update_ca: path too long");
		curl_easy_setopt(c, CURLOPT_CAINFO, cafile);
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	}
	/* Direct means direct: no http_proxy of the environment either. */
	if (*proxy != '\0')
		snprintf(purl, sizeof(purl), "http://%s", proxy);
	else
		purl[0] = '\0';
	curl_easy_setopt(c, CURLOPT_PROXY, purl);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(c, CURLINFO_HTTP_CONNECTCODE, &pcode);
	for (p = errbuf; *p != '\0'; p++)
		if ((unsigned char)*p < ' ')
			*p = ' ';
	if (pcode != 0 && pcode != 200)
		fail(o, "%s: proxy %s: HTTP %ld to CONNECT%s", url, proxy,
		    pcode, connect_hint(pcode));
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		fail(o, "%s: timeout: %s (the limits: %ld s to connect, %ld s "
		    "in all)%s%s", url, errbuf[0] ? errbuf :
		    curl_easy_strerror(rc), secs < CONNECT_TIMEOUT ? secs :
		    CONNECT_TIMEOUT, secs, *proxy ? ", through " : "", proxy);
	else if (rc != CURLE_OK)
		fail(o, "%s: %s: %s%s%s%s", url, curl_cause(rc), errbuf[0] ?
		    errbuf : curl_easy_strerror(rc), *proxy ? " (through " :
		    "", proxy, *proxy ? ")" : "");
	else if (code != 200)
		fail(o, "%s: HTTP status %ld", url, code);
	else if (f.buf == NULL)
		fail(o, "%s: an empty index", url);
	else if (strlen(f.buf) != f.len)
		fail(o, "%s: a NUL byte in the index", url);
	else
		read_index(f.buf, url, o);
	free(f.buf);
	curl_easy_cleanup(c);
	curl_global_cleanup();
}

/* The update keys only: a broken one is a failure to check, never "1". */
static void
check_settings(const struct fwconf_settings *s, struct outcome *o)
{
	static const char *const keys[] = { "update_url", "update_ca",
	    "update_proxy", NULL };
	const struct fwconf_key *k;
	const char *const *n;
	const char *bad;

	for (n = keys; *n != NULL; n++) {
		k = fwconf_key_find(s->schema, *n);
		if ((bad = fwconf_settings_invalid(s, k)) != NULL) {
			fail(o, "%s", bad);
			return;
		}
	}
	if (*render_get(s, "update_url") == '\0')
		fail(o, "update_url is empty: no server to ask (%s set "
		    "update_url=https://...)", getprogname());
	else if (strncasecmp(render_get(s, "update_url"), "https://", 8) != 0)
		fail(o, "update_url=%s: must be an https URL",
		    render_get(s, "update_url"));
}

static int
cmd_check(int argc, char *argv[])
{
	struct outcome o = { 0, LOG_INFO, "" };
	struct fwconf_settings s;
	char proxy[64] = "";
	bool logit = false;
	int ch;

	while ((ch = verb_getopt(argc, argv, "l", "check")) != -1) {
		if (ch != 'l')
			exit(FWCONF_USAGE);
		logit = true;
	}
	if (optind != argc) {
		warnx("check: %s: no operand is taken", shown(argv[optind]));
		exit(FWCONF_USAGE);
	}
	kv_open(&s);
	check_settings(&s, &o);
	if (o.status != 3 && render_yes(&s, "update_proxy"))
		local_proxy(proxy, sizeof(proxy), &o);
	if (o.status != 3)
		fetch_index(&s, proxy, &o);
	fwconf_settings_close(&s);
	fshut(stdout, "stdout");
	if (logit) {
		openlog(getprogname(), LOG_PID, LOG_DAEMON);
		syslog(o.prio, "%s", o.msg);
		closelog();
	}
	if (o.status == 3)
		warnx("%s", o.msg);
	return o.status;
}

static const struct kv_render renders[] = {
	{ "maint-keys", render_keys },
	{ "tunnel-config", render_tunnel_config },
	{ "tunnel-known-hosts", render_tunnel_known },
	{ "tunnel-until", render_tunnel_until },
	{ "cron", render_cron_update },
	{ NULL, NULL }
};

/* `keys` is the support team's SSH keys here, not the schema's keys. */
static const struct verb verbs[] = {
	{ "open", cmd_open, "[-t duration]", 0, -1, VERB_OPTIONS },
	{ "close", cmd_close, "", 0, 0, 0 },
	{ "status", cmd_status, "", 0, 0, 0 },
	{ "keys", cmd_keys, "[add file | del fingerprint ...]", 0, -1, 0 },
	{ "check", cmd_check, "[-l]", 0, -1, VERB_OPTIONS },
	{ NULL, NULL, NULL, 0, 0, 0 }
};

static const struct kv_tool maint = {
	.schema = "maint",
	.renders = renders,
	.check = check_maint,
	.verbs = verbs,
};

int
main(int argc, char *argv[])
{
	return kv_main(&maint, argc, argv);
}
