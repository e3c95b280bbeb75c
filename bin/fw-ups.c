/*
 * fw-ups: the UPS of the firewall (the manual's "Unterbrechungsfreie
 * Stromversorgung (USV)"), on Network UPS Tools: ROOT/etc/mpfw/ups.  The
 * firewall has the UPS attached and serves it to slaves (master), or
 * follows another machine's UPS server (slave).  The NUT files are
 * written by bin/render/nut.c and tcpwrap.c; this file keeps the tool,
 * its rules between keys, and its verbs models and status.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sha2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kv.h"
#include "nut-client.h"
#include "render/render.h"
#include "ups-models.h"
#include "util.h"

/* Where NUT's drivers are (Debian's nut-server). */
#define NUT_DRIVER_DIR	"/lib/nut"
/* How long fw-ups status waits for an answer by default (-t), as the
 * monitoring plugins do. */
#define STATUS_TIMEOUT	10

/* The manual's table: what each mode needs. */
static const char *const master_needs[] = {
	"model", "port", "admin_user", "admin_password", NULL
};
static const char *const slave_needs[] = {
	"master", "master_user", "master_password", NULL
};

/* Options every driver takes besides its own (NUT's main.c, upsdrvctl). */
static const char *const generic_values[] = {
	"pollinterval", "synchronous", "maxstartdelay", "maxretry",
	"retrydelay", NULL
};
static const char *const generic_flags[] = { "ignorelb", NULL };

static bool
in_list(const char *const *list, const char *word, size_t len)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == len && strncmp(*list, word, len) == 0)
			return true;
	return false;
}

static bool
mode_is(const struct fwconf_settings *s, const char *mode)
{
	return strcmp(render_get(s, "mode"), mode) == 0;
}

/* ---- secrets ---- */

/*
 * The secrets as this write leaves them (a reset changes them), else as
 * stored.  own is filled when they are read here; free it after.
 */
static int
secrets_of(const struct fwconf_settings *s, struct fwconf_file *own,
    const struct fwconf_file **sec, struct fwconf_err *e)
{
	char path[PATH_MAX];

	memset(own, 0, sizeof(*own));
	if (s->secrets_loaded) {
		*sec = &s->secrets;
		return 0;
	}
	if (fwconf_secrets_path(path, sizeof(path), s->schema->name) == -1)
		return fwconf_fail_errno(e, "secrets");
	if (fwconf_file_read(own, path, e) == -1)
		return -1;
	*sec = own;
	return 0;
}

static const char *
secret(const struct fwconf_file *sec, const char *key)
{
	const char *v = fwconf_file_get(sec, key);

	return v != NULL && *v != '\0' ? v : NULL;
}

static bool
is_set(const struct fwconf_settings *s, const struct fwconf_file *sec,
    const char *key)
{
	const struct fwconf_key *k = fwconf_key_find(s->schema, key);

	if (k->type == FWCONF_SECRET)
		return secret(sec, key) != NULL;
	return *render_get(s, key) != '\0';
}

/* ---- the rules ---- */

/* Every missing key of the mode, named at once. */
static int
check_mode(const struct fwconf_settings *s, const struct fwconf_file *sec,
    struct fwconf_err *e)
{
	const char *const *need = mode_is(s, "master") ? master_needs :
	    mode_is(s, "slave") ? slave_needs : NULL;
	char missing[512] = "";
	bool pw = false;

	for (; need != NULL && *need != NULL; need++)
		if (!is_set(s, sec, *need)) {
			if (*missing != '\0')
				strlcat(missing, ", ", sizeof(missing));
			strlcat(missing, *need, sizeof(missing));
			if (strstr(*need, "password") != NULL)
				pw = true;
		}
	if (*missing != '\0')
		return fwconf_fail(e, FWCONF_REFUSED, "mode=%s: missing %s%s",
		    render_get(s, "mode"), missing, pw ? " (a password is set "
		    "with fw-ups passwd KEY, first)" : "");
	if (mode_is(s, "master") && is_set(s, sec, "slave_user") !=
	    is_set(s, sec, "slave_password"))
		return fwconf_fail(e, FWCONF_REFUSED, "slave_user and "
		    "slave_password: both or neither; %s is missing",
		    is_set(s, sec, "slave_user") ? "slave_password" :
		    "slave_user");
	return 0;
}

/* A user name NUT takes: a section name in upsd.users, a protocol word. */
static int
check_user(const struct fwconf_settings *s, const char *key,
    struct fwconf_err *e)
{
	const char *v = render_get(s, key), *p;

	if (*v == '\0')
		return 0;
	for (p = v; *p != '\0'; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && strchr("_.-", *p) == NULL)
			return fwconf_fail(e, FWCONF_REFUSED, "%s=%s: a NUT user "
			    "name is letters, digits and _.-", key, v);
	if (strcmp(v, NUT_MONITOR_USER) == 0)
		return fwconf_fail(e, FWCONF_REFUSED, "%s=%s: the firewall's "
		    "own monitor has that name", key, v);
	return 0;
}

/*
 * upsmon sends a password as a bare word (NUT 2.8): a blank, '"', '\',
 * '#' or '=' would split or end it, and upsd refuses other than ASCII.
 */
static int
check_password(const struct fwconf_file *sec, const char *key,
    struct fwconf_err *e)
{
	const char *v = secret(sec, key), *p;

	if (v == NULL)
		return 0;
	for (p = v; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("\"\\#=", *p) != NULL)
			return fwconf_fail(e, FWCONF_REFUSED, "%s: NUT takes "
			    "printable ASCII without blanks, '\"', '\\', '#' "
			    "and '=' in a password; set another with fw-ups "
			    "passwd %s", key, key);
	return 0;
}

static int
check_users(const struct fwconf_settings *s, const struct fwconf_file *sec,
    bool all, struct fwconf_err *e)
{
	static const char *const users[] = {
		"admin_user", "slave_user", "master_user", NULL
	};
	static const char *const master_pw[] = {
		"admin_password", "slave_password", NULL
	};
	const char *const *k;
	bool master = mode_is(s, "master");

	for (k = users; *k != NULL; k++)
		if ((all || fwconf_settings_changed(s, *k)) &&
		    check_user(s, *k, e) == -1)
			return -1;
	if (master && *render_get(s, "slave_user") != '\0' &&
	    strcmp(render_get(s, "slave_user"), render_get(s, "admin_user")) ==
	    0)
		return fwconf_fail(e, FWCONF_REFUSED, "slave_user=%s: must "
		    "differ from admin_user (%s)", render_get(s, "slave_user"),
		    render_get(s, "admin_user"));
	if (!all)
		return 0;
	if (master) {
		for (k = master_pw; *k != NULL; k++)
			if (check_password(sec, *k, e) == -1)
				return -1;
	} else if (mode_is(s, "slave") &&
	    check_password(sec, "master_password", e) == -1)
		return -1;
	return 0;
}

static int
check_master(const struct fwconf_settings *s, bool all, struct fwconf_err *e)
{
	const char *v = render_get(s, "master"), *why;
	struct nut_target t;

	if (*v == '\0' || !(fwconf_settings_changed(s, "master") ||
	    (all && mode_is(s, "slave"))))
		return 0;
	if (nut_target_parse(v, &t, &why) == -1)
		return fwconf_fail(e, FWCONF_REFUSED, "master=%s: %s", v, why);
	return 0;
}

/* "apc-back-ups-usb: unknown model; did you mean ...?" */
static int
unknown_model(const struct ups_models *ms, const char *name,
    struct fwconf_err *e)
{
	const char **names = xreallocarray(NULL, ms->n + 1, sizeof(*names));
	const char *near;
	size_t i;

	for (i = 0; i < ms->n; i++)
		names[i] = ms->v[i].name;
	near = nearest(name, names, ms->n);
	if (near != NULL)
		fwconf_fail(e, FWCONF_REFUSED, "model=%s: unknown model; did you "
		    "mean %s? (see fw-ups models)", name, near);
	else
		fwconf_fail(e, FWCONF_REFUSED, "model=%s: unknown model (see "
		    "fw-ups models)", name);
	free(names);
	return -1;
}

/*
 * The options a driver takes, from its own list (`DRIVER -L`: lines
 * "VALUE name ..." and "FLAG name ..."), which it prints without a UPS.
 */
struct driver_opts {
	char	*text;		/* the list as printed */
};

static int
driver_options(const char *driver, struct driver_opts *o, struct fwconf_err *e)
{
	char path[PATH_MAX], *grown;
	size_t len = 0, cap = 0;
	int fd[2], status, null;
	time_t deadline = time(NULL) + 10;
	struct pollfd p;
	ssize_t n;
	pid_t pid;

	o->text = NULL;
	snprintf(path, sizeof(path), "%s/%s", NUT_DRIVER_DIR, driver);
	if (access(path, X_OK) == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "driver %s: %s (is "
		    "nut-server installed?)", path, strerror(errno));
	if (pipe2(fd, O_CLOEXEC) == -1)
		return fwconf_fail_errno(e, "driver %s", driver);
	if ((pid = fork()) == -1) {
		close(fd[0]);
		close(fd[1]);
		return fwconf_fail_errno(e, "driver %s", driver);
	}
	if (pid == 0) {
		null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(fd[1], 1);
		dup2(null, 2);
		execl(path, driver, "-L", (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	p.fd = fd[0];
	p.events = POLLIN;
	for (;;) {
		if (len + 4096 > cap) {
			if (cap >= 1024 * 1024) {
				kill(pid, SIGKILL);
				break;
			}
			cap = cap ? cap * 2 : 16384;
			if ((grown = realloc(o->text, cap)) == NULL)
				break;
			o->text = grown;
		}
		if (poll(&p, 1, (int)(deadline - time(NULL)) * 1000) <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		if ((n = read(fd[0], o->text + len, cap - len - 1)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			break;
		}
		len += (size_t)n;
	}
	close(fd[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (o->text == NULL || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(o->text);
		o->text = NULL;
		return fwconf_fail(e, FWCONF_SYSTEM, "driver %s: %s -L gave no "
		    "option list", driver, path);
	}
	o->text[len] = '\0';
	return 0;
}

/* 'V' for a value option, 'F' for a flag, 0 when the driver lacks it. */
static int
driver_has(const struct driver_opts *o, const char *name, size_t len)
{
	const char *line, *w;
	size_t wl;

	for (line = o->text; *line != '\0'; line += strcspn(line, "\n"),
	    line += *line == '\n') {
		if (strncmp(line, "VALUE ", 6) == 0)
			w = line + 6;
		else if (strncmp(line, "FLAG ", 5) == 0)
			w = line + 5;
		else
			continue;
		wl = strcspn(w, " \n");
		if (wl == len && strncmp(w, name, len) == 0)
			return *line;
	}
	if (strncmp(name, "override.", 9) == 0 ||
	    strncmp(name, "default.", 8) == 0)
		return len > 9 ? 'V' : 0;
	if (in_list(generic_values, name, len))
		return 'V';
	if (in_list(generic_flags, name, len))
		return 'F';
	return 0;
}

/* Is name one of the model's fixed options? Its word, or NULL. */
static const char *
fixed_option(const struct nut_model *m, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < m->noptions; i++)
		if (strncmp(m->options[i], name, len) == 0 &&
		    (m->options[i][len] == '\0' || m->options[i][len] == '='))
			return m->options[i];
	return NULL;
}

/* One word of params: name=value, or a flag's name. */
struct param {
	const char *word, *eq;	/* eq: its '=', or NULL */
	size_t	 len, nlen;	/* of the word, of its name */
};

/* One word of params: refused (-1, e filled) or taken (0). */
static int
check_param(const struct param *w, const struct param *before, size_t nbefore,
    const struct nut_model *m, const struct driver_opts *o,
    struct fwconf_err *e)
{
	const char *v, *fixed;
	int n = (int)w->nlen, kind;
	size_t i;

	if (!ups_option_name_ok(w->word, w->nlen))
		return fwconf_fail(e, FWCONF_REFUSED, "params: %.*s: not "
		    "name=value", (int)w->len, w->word);
	if ((kind = driver_has(o, w->word, w->nlen)) == 0)
		return fwconf_fail(e, FWCONF_REFUSED, "params: %.*s: not an "
		    "option of driver %s (model %s; %s/%s -h lists them)", n,
		    w->word, m->driver, m->name, NUT_DRIVER_DIR, m->driver);
	if (kind == 'F' && w->eq != NULL)
		return fwconf_fail(e, FWCONF_REFUSED, "params: %.*s: a flag of "
		    "driver %s, given by its name alone", n, w->word,
		    m->driver);
	if (kind == 'V' && (w->eq == NULL || w->eq + 1 == w->word + w->len))
		return fwconf_fail(e, FWCONF_REFUSED, "params: %.*s: needs a "
		    "value, %.*s=VALUE", n, w->word, n, w->word);
	for (v = w->word; v < w->word + w->len; v++)
		if ((unsigned char)*v >= 0x7f)
			return fwconf_fail(e, FWCONF_REFUSED, "params: %.*s: "
			    "NUT takes only ASCII", n, w->word);
	if ((fixed = fixed_option(m, w->word, w->nlen)) != NULL)
		return fwconf_fail(e, FWCONF_REFUSED, "params: %.*s: fixed by "
		    "model %s (%s)", n, w->word, m->name, fixed);
	for (i = 0; i < nbefore; i++)
		if (before[i].nlen == w->nlen &&
		    strncmp(before[i].word, w->word, w->nlen) == 0)
			return fwconf_fail(e, FWCONF_REFUSED, "params: %.*s: "
			    "given twice", n, w->word);
	return 0;
}

/* Each word of params: an option of the model's driver, given once. */
static int
check_params(const struct fwconf_settings *s, const struct nut_model *m,
    struct fwconf_err *e)
{
	const char *p = render_get(s, "params");
	struct param *w = NULL;
	struct driver_opts o;
	size_t n = 0, i;
	int r = 0;

	if (driver_options(m->driver, &o, e) == -1)
		return -1;
	for (p += strspn(p, " "); *p != '\0'; p += strspn(p, " ")) {
		w = xreallocarray(w, n + 1, sizeof(*w));
		w[n].word = p;
		w[n].len = strcspn(p, " ");
		w[n].eq = memchr(p, '=', w[n].len);
		w[n].nlen = w[n].eq != NULL ? (size_t)(w[n].eq - p) : w[n].len;
		p += w[n++].len;
	}
	for (i = 0; i < n && r == 0; i++)
		r = check_param(&w[i], w, i, m, &o, e);
	free(w);
	free(o.text);
	return r;
}

/*
 * The model exists, can be on the port, and its driver takes the params.
 * At a set only what changed is checked (the driver is asked only for
 * new params or a new model); at render all of it, in master mode.
 */
static int
check_model(const struct fwconf_settings *s, bool all, struct fwconf_err *e)
{
	const char *name = render_get(s, "model"), *port = render_get(s, "port");
	bool master = mode_is(s, "master");
	bool model_new = fwconf_settings_changed(s, "model");
	bool params_new = fwconf_settings_changed(s, "params");
	const struct nut_model *m;
	struct ups_models ms;
	int r = -1;

	if (!(all && master) && !model_new && !params_new &&
	    !fwconf_settings_changed(s, "port") &&
	    !fwconf_settings_changed(s, "mode"))
		return 0;
	if (*name == '\0') {
		if (*render_get(s, "params") != '\0' && (params_new ||
		    (all && master)))
			return fwconf_fail(e, FWCONF_REFUSED, "params: set a "
			    "model first; params are checked against its "
			    "driver");
		return 0;
	}
	if (ups_models_load(&ms, e) == -1)
		return -1;
	if ((m = ups_model_find(&ms, name)) == NULL) {
		if (model_new || master)
			unknown_model(&ms, name, e);
		else
			r = 0;
		goto out;
	}
	if (master && *port != '\0' && !m->serial &&
	    strncmp(port, "ttyS", 4) == 0) {
		fwconf_fail(e, FWCONF_REFUSED, "port=%s: model %s is a USB "
		    "UPS (driver %s); port must be usb0 or usb1", port, name,
		    m->driver);
		goto out;
	}
	if (*render_get(s, "params") != '\0' &&
	    (model_new || params_new || (all && master)) &&
	    check_params(s, m, e) == -1)
		goto out;
	r = 0;
out:
	ups_models_free(&ms);
	return r;
}

static int
check_ups(const struct fwconf_settings *s, bool all, struct fwconf_err *e)
{
	const struct fwconf_file *sec;
	struct fwconf_file own;
	int r;

	if (check_master(s, all, e) == -1 || check_model(s, all, e) == -1)
		return -1;
	if (secrets_of(s, &own, &sec, e) == -1)
		return -1;
	r = check_users(s, sec, all, e) == -1 || check_mode(s, sec, e) == -1 ?
	    -1 : 0;
	fwconf_file_free(&own);
	return r;
}

/* ---- render ---- */

/* What the renderers need beyond the settings, looked up once. */
struct lookup {
	struct ups_models models;
	struct fwconf_file own;
	struct fwconf_settings svc;
	bool	 svc_open;
	char	 monitor[SHA256_DIGEST_STRING_LENGTH];
	struct nut_setup n;
};

/*
 * The firewall's own monitor logs in with a password derived from the
 * administrator's: the same on every render, so an apply changes nothing
 * while the settings stay, and never stored anywhere else.
 */
static void
derive_monitor(const char *admin, char out[SHA256_DIGEST_STRING_LENGTH])
{
	static const char salt[] = "mpfw upsmon\n";
	size_t n = strlen(salt) + strlen(admin);
	char *buf = xmalloc(n + 1);

	snprintf(buf, n + 1, "%s%s", salt, admin);
	SHA256Data((const uint8_t *)buf, n, out);
	explicit_bzero(buf, n);
	free(buf);
}

static void
lookup_close(struct lookup *l)
{
	ups_models_free(&l->models);
	if (l->own.path != NULL || l->own.lines != NULL)
		fwconf_file_free(&l->own);
	if (l->svc_open)
		fwconf_settings_close(&l->svc);
	explicit_bzero(l->monitor, sizeof(l->monitor));
}

static int
lookup_open(struct lookup *l, const struct fwconf_settings *s,
    struct fwconf_err *e)
{
	const struct fwconf_file *sec;
	const struct fwconf_key *k;
	const char *bad, *admin;

	memset(l, 0, sizeof(*l));
	if (secrets_of(s, &l->own, &sec, e) == -1)
		return -1;
	if (mode_is(s, "master")) {
		if (ups_models_load(&l->models, e) == -1)
			return -1;
		l->n.model = ups_model_find(&l->models, render_get(s, "model"));
		admin = secret(sec, "admin_password");
		derive_monitor(admin != NULL ? admin : "", l->monitor);
		l->n.admin_password = admin;
		l->n.monitor_password = l->monitor;
		l->n.slave_password = secret(sec, "slave_password");
		if (fwconf_settings_open(&l->svc,
		    fwconf_schema_builtin("services"), e) == -1)
			return -1;
		l->svc_open = true;
		k = fwconf_key_find(l->svc.schema, "lan_ip");
		if ((bad = fwconf_settings_invalid(&l->svc, k)) != NULL)
			return fwconf_fail(e, FWCONF_REFUSED, "services: %s",
			    bad);
		l->n.lan_ip = fwconf_settings_get(&l->svc, k);
	} else if (mode_is(s, "slave"))
		l->n.master_password = secret(sec, "master_password");
	return 0;
}

typedef int nut_renderer(const struct fwconf_settings *,
    const struct nut_setup *, FILE *, struct fwconf_err *);

static int
render_with(nut_renderer *render, const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	struct lookup l;
	int r = -1;

	if (lookup_open(&l, s, e) == 0)
		r = render(s, &l.n, out, e);
	lookup_close(&l);
	return r;
}

static int
r_ups_conf(const struct fwconf_settings *s, FILE *out, struct fwconf_err *e)
{
	return render_with(render_nut_ups_conf, s, out, e);
}

static int
r_upsd_conf(const struct fwconf_settings *s, FILE *out, struct fwconf_err *e)
{
	return render_with(render_nut_upsd_conf, s, out, e);
}

static int
r_upsd_users(const struct fwconf_settings *s, FILE *out, struct fwconf_err *e)
{
	return render_with(render_nut_upsd_users, s, out, e);
}

static int
r_upsmon_conf(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	return render_with(render_nut_upsmon_conf, s, out, e);
}

static int
r_nut_conf(const struct fwconf_settings *s, FILE *out, struct fwconf_err *e)
{
	return render_with(render_nut_conf, s, out, e);
}

/* ---- the verbs of its own ---- */

/* model TAB driver, in the file's order. */
static int
cmd_models(int argc, char *argv[])
{
	struct ups_models ms;
	struct fwconf_err e;
	size_t i;

	(void)argc;
	(void)argv;
	if (ups_models_load(&ms, &e) == -1)
		die(&e);
	for (i = 0; i < ms.n; i++)
		printf("%s\t%s\n", ms.v[i].name, ms.v[i].driver);
	ups_models_free(&ms);
	fshut(stdout, "stdout");
	return 0;
}

/* The monitoring plugins' codes (DESIGN.md). */
enum { ST_OK, ST_WARNING, ST_CRITICAL, ST_UNKNOWN };

static const char *const state_names[] = {
	"OK", "WARNING", "CRITICAL", "UNKNOWN"
};

/* What status shows, in this order: NUT's names. */
static const char *const shown_vars[] = {
	"ups.status", "battery.charge", "battery.runtime", "ups.load",
	"input.voltage", NULL
};

static bool
has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' ||
		    p[n] == '\0'))
			return true;
	return false;
}

/*
 * ups.status is a list of flags: OL on line power, OB on battery, LB
 * battery low, RB replace battery, FSD forced shutdown, OFF output off.
 */
static int
ups_state(const char *status)
{
	if (status == NULL)
		return ST_UNKNOWN;
	if (has_word(status, "LB") || has_word(status, "RB") ||
	    has_word(status, "FSD") || has_word(status, "OFF"))
		return ST_CRITICAL;
	if (has_word(status, "OB"))
		return ST_WARNING;
	if (has_word(status, "OL"))
		return ST_OK;
	return ST_UNKNOWN;
}

/* A value from the network, made safe for one line of output. */
static void
put_value(const char *v)
{
	for (; *v != '\0'; v++)
		putchar((unsigned char)*v < ' ' || *v == 0x7f ? '?' : *v);
}

/* A number NUT gave, for performance data; NULL when it is none. */
static const char *
number(const char *v)
{
	char *end;

	if (v == NULL || *v == '\0')
		return NULL;
	errno = 0;
	(void)strtod(v, &end);
	return *end == '\0' && errno == 0 ? v : NULL;
}

static void
print_nagios(int state, const struct nut_vars *vs)
{
	static const struct {
		const char *var, *label, *uom, *range;
	} perf[] = {
		{ "battery.charge", "charge", "%", ";;;0;100" },
		{ "battery.runtime", "runtime", "s", ";;;0" },
		{ "ups.load", "load", "%", ";;;0" },
		{ "input.voltage", "voltage", "", ";;;0" },
	};
	const char *status = nut_var(vs, "ups.status"), *v;
	size_t i;
	bool any = false;

	printf("UPS %s - ", state_names[state]);
	put_value(status != NULL ? status : "no ups.status");
	for (i = 0; i < sizeof(perf) / sizeof(perf[0]); i++)
		if ((v = number(nut_var(vs, perf[i].var))) != NULL)
			printf(", %s %s%s", perf[i].label, v,
			    *perf[i].uom ? perf[i].uom : " V");
	for (i = 0; i < sizeof(perf) / sizeof(perf[0]); i++)
		if ((v = number(nut_var(vs, perf[i].var))) != NULL) {
			printf("%s%s=%s%s%s", any ? " " : " | ", perf[i].label,
			    v, perf[i].uom, perf[i].range);
			any = true;
		}
	putchar('\n');
}

static void
status_usage(void)
{
	fprintf(stderr, "usage: %s [-R root] status [-n] [-t seconds] "
	    "[ups@host[:port]]\n", getprogname());
	exit(ST_UNKNOWN);
}

/* The UPS status asks by default: the local one, or the master's. */
static void
default_target(char *buf, size_t size)
{
	struct fwconf_settings s;

	kv_open(&s);
	if (mode_is(&s, "master"))
		snprintf(buf, size, "%s@127.0.0.1:%s", NUT_UPS,
		    render_get(&s, "upsd_port"));
	else if (mode_is(&s, "slave") && *render_get(&s, "master") != '\0')
		snprintf(buf, size, "%s", render_get(&s, "master"));
	else {
		snprintf(buf, size, "%s", render_get(&s, "mode"));
		fwconf_settings_close(&s);
		errx(ST_UNKNOWN, "mode=%s: no UPS to ask; name one: %s "
		    "status UPS@HOST[:PORT]", buf, getprogname());
	}
	fwconf_settings_close(&s);
}

/*
 * The state of the UPS as the manual's status page shows it.  Every exit
 * is a monitoring plugin's: a usage error too is UNKNOWN (3).
 */
static int
cmd_status(int argc, char *argv[])
{
	struct nut_target t;
	struct nut_vars vs;
	struct fwconf_err e;
	char spec[512];
	const char *why, *v;
	bool nagios = false;
	int ch, state, timeout = STATUS_TIMEOUT;
	size_t i;

	while ((ch = verb_getopt(argc, argv, "nt:", "status")) != -1) {
		switch (ch) {
		case 'n':
			nagios = true;
			break;
		case 't':
			timeout = (int)strtonum(optarg, 1, 3600, &why);
			if (why != NULL) {
				warnx("-t %s: %s; seconds, 1 to 3600",
				    shown(optarg), why);
				status_usage();
			}
			break;
		default:
			status_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		status_usage();
	if (argc == 1)
		snprintf(spec, sizeof(spec), "%s", argv[0]);
	else
		default_target(spec, sizeof(spec));
	if (nut_target_parse(spec, &t, &why) == -1) {
		if (nagios)
			printf("UPS UNKNOWN - %s: %s\n", shown(spec), why);
		errx(ST_UNKNOWN, "%s: %s", shown(spec), why);
	}
	if (nut_list_vars(&t, timeout, &vs, &e) == -1) {
		if (nagios) {
			printf("UPS UNKNOWN - %s\n", e.msg);
			fshut(stdout, "stdout");
			return ST_UNKNOWN;
		}
		errx(ST_UNKNOWN, "%s", e.msg);
	}
	state = ups_state(nut_var(&vs, "ups.status"));
	if (nagios)
		print_nagios(state, &vs);
	else
		for (i = 0; shown_vars[i] != NULL; i++)
			if ((v = nut_var(&vs, shown_vars[i])) != NULL) {
				printf("%s\t", shown_vars[i]);
				put_value(v);
				putchar('\n');
			}
	nut_vars_free(&vs);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(ST_UNKNOWN, "stdout");
	return state;
}

static const struct kv_render renders[] = {
	{ "ups.conf", r_ups_conf },
	{ "upsd.conf", r_upsd_conf },
	{ "upsd.users", r_upsd_users },
	{ "upsmon.conf", r_upsmon_conf },
	{ "nut.conf", r_nut_conf },
	{ "hosts.allow", render_hosts_allow },
	{ NULL, NULL }
};

static const struct verb verbs[] = {
	{ "models", cmd_models, "", 0, 0, 0 },
	{ "status", cmd_status, "[-n] [-t seconds] [ups@host[:port]]", 0, -1,
	    VERB_OPTIONS },
	{ NULL, NULL, NULL, 0, 0, 0 }
};

static const struct kv_tool ups = {
	.schema = "ups",
	.renders = renders,
	.check = check_ups,
	.verbs = verbs,
};

int
main(int argc, char *argv[])
{
	return kv_main(&ups, argc, argv);
}
