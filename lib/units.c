/*
 * units.c: the unit catalogue, fw-units(5).  DATADIR/units.conf is read
 * first, then ROOT/etc/mpfw/units.d/\*.conf in name order; a unit of a
 * name already known replaces it in place, a new name is added at the end.
 *
 *	unit NAME {
 *		inputs  = {services, dns}
 *		render  = '...'    target = '/etc/...'    mode = '0644'
 *		file NAME { render = '...'  target = '...'  mode = '0600' }
 *		check   = '...'    # %f candidate, %t target, %d staging dir
 *		reload  = '...'    restart = '...'    start = '...'   stop = '...'
 *		soft    = reload | restart | defer
 *		enable  = 'services.dns'
 *		secret  = false
 *	}
 *
 * A unit gives render/target/mode directly or in file sections, not both.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

static cfg_opt_t file_opts[] = {
	CFG_STR("render", NULL, CFGF_NODEFAULT),
	CFG_STR("target", NULL, CFGF_NODEFAULT),
	CFG_STR("mode", "0644", CFGF_NONE),
	CFG_END()
};

static cfg_opt_t unit_opts[] = {
	CFG_STR_LIST("inputs", NULL, CFGF_NODEFAULT),
	CFG_STR("render", NULL, CFGF_NODEFAULT),
	CFG_STR("target", NULL, CFGF_NODEFAULT),
	CFG_STR("mode", NULL, CFGF_NODEFAULT),
	CFG_SEC("file", file_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_STR("check", NULL, CFGF_NODEFAULT),
	CFG_STR("reload", NULL, CFGF_NODEFAULT),
	CFG_STR("restart", NULL, CFGF_NODEFAULT),
	CFG_STR("start", NULL, CFGF_NODEFAULT),
	CFG_STR("stop", NULL, CFGF_NODEFAULT),
	CFG_STR("soft", NULL, CFGF_NODEFAULT),
	CFG_STR("enable", NULL, CFGF_NODEFAULT),
	CFG_BOOL("secret", cfg_false, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t catalogue_opts[] = {
	CFG_SEC("unit", unit_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_END()
};

static const char *const soft_names[] = {
	[FWCONF_SOFT_RELOAD] = "reload",
	[FWCONF_SOFT_RESTART] = "restart",
	[FWCONF_SOFT_DEFER] = "defer",
};

const char *
fwconf_soft_name(enum fwconf_soft s)
{
	return soft_names[s];
}

static bool
valid_name(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-_");

	return n > 0 && n <= 64 && s[n] == '\0' && s[0] != '-';
}

/* Placeholders: %f %t %d and %% only, so a typo cannot reach a shell. */
static const char *
bad_placeholder(const char *cmd)
{
	const char *p;

	for (p = cmd; (p = strchr(p, '%')) != NULL; p += 2)
		if (p[1] == '\0' || strchr("ftd%", p[1]) == NULL)
			return p;
	return NULL;
}

static int
parse_mode(const char *s, mode_t *mode)
{
	char *end;
	long m;

	if (s == NULL || *s == '\0' || strspn(s, "01234567") != strlen(s))
		return -1;
	m = strtol(s, &end, 8);
	if (m < 0 || m > 07777)
		return -1;
	*mode = (mode_t)m;
	return 0;
}

static int
load_file(struct fwconf_unit_file *f, const char *name, const char *render,
    const char *target, const char *mode, const char *unit,
    const char *origin, struct fwconf_err *e)
{
	f->name = strdup(name);
	f->render = render != NULL ? strdup(render) : NULL;
	f->target = target != NULL ? strdup(target) : NULL;
	if (f->name == NULL)
		return fwconf_fail_errno(e, "%s", origin);
	if (render == NULL || target == NULL)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: file %s "
		    "needs render and target", origin, unit, name);
	if (target[0] != '/' || strstr(target, "/..") != NULL ||
	    target[strlen(target) - 1] == '/' || !fwconf_is_bare(target))
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: target "
		    "%.200s: must be an absolute file path of letters, digits "
		    "and _.,:/@%%+=-", origin, unit, target);
	if (parse_mode(mode, &f->mode) == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: mode %s: "
		    "must be an octal string like '0644'", origin, unit,
		    mode != NULL ? mode : "");
	return 0;
}

static int
load_files(struct fwconf_unit *u, cfg_t *sec, const char *origin,
    struct fwconf_err *e)
{
	unsigned int i, n = cfg_size(sec, "file");
	cfg_t *f;

	if (n > 0 && (cfg_getstr(sec, "render") || cfg_getstr(sec, "target")))
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: give "
		    "render and target, or file sections, not both", origin,
		    u->name);
	u->nfiles = n > 0 ? n : 1;
	if ((u->files = calloc(u->nfiles, sizeof(*u->files))) == NULL)
		return fwconf_fail_errno(e, "%s", origin);
	if (n == 0)
		return load_file(&u->files[0], u->name, cfg_getstr(sec,
		    "render"), cfg_getstr(sec, "target"), cfg_getstr(sec,
		    "mode") ? cfg_getstr(sec, "mode") : "0644", u->name, origin,
		    e);
	for (i = 0; i < n; i++) {
		f = cfg_getnsec(sec, "file", i);
		if (load_file(&u->files[i], cfg_title(f), cfg_getstr(f,
		    "render"), cfg_getstr(f, "target"), cfg_getstr(f, "mode"),
		    u->name, origin, e) == -1)
			return -1;
	}
	return 0;
}

static int
check_commands(const struct fwconf_unit *u, const char *origin,
    struct fwconf_err *e)
{
	const char *cmds[] = { u->check, u->reload, u->restart, u->start,
	    u->stop };
	const char *bad;
	size_t i;

	for (i = 0; i < u->nfiles; i++)
		if ((bad = bad_placeholder(u->files[i].render)) != NULL)
			return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: "
			    "unknown placeholder %.2s", origin, u->name, bad);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cmds[i] != NULL && (bad = bad_placeholder(cmds[i])) != NULL)
			return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: "
			    "unknown placeholder %.2s", origin, u->name, bad);
	if (u->check == NULL)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: needs a "
		    "check: nothing reaches a daemon unchecked", origin, u->name);
	if (u->soft == FWCONF_SOFT_RELOAD && u->reload == NULL)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: soft = "
		    "reload needs a reload command", origin, u->name);
	if (u->soft != FWCONF_SOFT_RELOAD && u->restart == NULL)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: soft = %s "
		    "needs a restart command", origin, u->name,
		    soft_names[u->soft]);
	return 0;
}

static int
load_enable(struct fwconf_unit *u, const char *s, const char *origin,
    struct fwconf_err *e)
{
	const struct fwconf_schema *schema;
	const struct fwconf_key *k;
	const char *dot;

	if (s == NULL)
		return 0;
	if ((dot = strchr(s, '.')) == NULL ||
	    (u->enable_file = strndup(s, (size_t)(dot - s))) == NULL ||
	    (u->enable_key = strdup(dot + 1)) == NULL ||
	    (schema = fwconf_schema_builtin(u->enable_file)) == NULL ||
	    (k = fwconf_key_find(schema, u->enable_key)) == NULL ||
	    k->type != FWCONF_BOOL)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: enable %s: "
		    "must name a yes/no key as FILE.KEY", origin, u->name, s);
	return 0;
}

/* Every field in a fixed order: what the stamp hashes. */
static int
make_definition(struct fwconf_unit *u)
{
	char *def = NULL, *next;
	size_t i;

#define ADD(fmt, ...) do { \
	if (asprintf(&next, "%s" fmt "\n", def ? def : "", __VA_ARGS__) == -1) \
		goto fail; \
	free(def); \
	def = next; \
} while (0)
	ADD("unit %s", u->name);
	for (i = 0; i < u->ninputs; i++)
		ADD("input %s", u->inputs[i]);
	for (i = 0; i < u->nfiles; i++)
		ADD("file %s\t%s\t%s\t%04o", u->files[i].name,
		    u->files[i].render, u->files[i].target,
		    (unsigned int)u->files[i].mode);
	ADD("check %s", u->check);
	ADD("reload %s", u->reload ? u->reload : "");
	ADD("restart %s", u->restart ? u->restart : "");
	ADD("start %s", u->start ? u->start : "");
	ADD("stop %s", u->stop ? u->stop : "");
	ADD("soft %s", soft_names[u->soft]);
	ADD("enable %s.%s", u->enable_file ? u->enable_file : "",
	    u->enable_key ? u->enable_key : "");
	ADD("secret %d", u->secret);
#undef ADD
	u->definition = def;
	return 0;
fail:
	free(def);
	return -1;
}

static void
free_unit(struct fwconf_unit *u)
{
	size_t i;

	for (i = 0; i < u->ninputs; i++)
		free(u->inputs[i]);
	for (i = 0; i < u->nfiles; i++) {
		free(u->files[i].name);
		free(u->files[i].render);
		free(u->files[i].target);
	}
	free(u->inputs);
	free(u->files);
	free(u->name);
	free(u->origin);
	free(u->check);
	free(u->reload);
	free(u->restart);
	free(u->start);
	free(u->stop);
	free(u->enable_file);
	free(u->enable_key);
	free(u->definition);
	memset(u, 0, sizeof(*u));
}

static int
load_unit(struct fwconf_unit *u, cfg_t *sec, const char *origin,
    struct fwconf_err *e)
{
	const char *soft = cfg_getstr(sec, "soft");
	unsigned int i;

	u->name = strdup(cfg_title(sec));
	u->origin = strdup(origin);
	if (u->name == NULL || u->origin == NULL)
		return fwconf_fail_errno(e, "%s", origin);
	if (!valid_name(u->name))
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %.64s: a name "
		    "is lower case letters, digits, - and _", origin, u->name);
	u->ninputs = cfg_size(sec, "inputs");
	if ((u->inputs = calloc(u->ninputs + 1, sizeof(*u->inputs))) == NULL)
		return fwconf_fail_errno(e, "%s", origin);
	for (i = 0; i < u->ninputs; i++)
		if ((u->inputs[i] = strdup(cfg_getnstr(sec, "inputs", i))) ==
		    NULL || !valid_name(u->inputs[i]))
			return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: "
			    "input %s: not a settings file name", origin,
			    u->name, cfg_getnstr(sec, "inputs", i));
	if (load_files(u, sec, origin, e) == -1)
		return -1;
	u->check = fwconf_cfg_dup(sec, "check");
	u->reload = fwconf_cfg_dup(sec, "reload");
	u->restart = fwconf_cfg_dup(sec, "restart");
	u->start = fwconf_cfg_dup(sec, "start");
	u->stop = fwconf_cfg_dup(sec, "stop");
	u->secret = cfg_getbool(sec, "secret");
	for (i = 0; i < 3; i++)
		if (soft != NULL && strcmp(soft, soft_names[i]) == 0)
			break;
	if (i == 3)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: soft must "
		    "be reload, restart or defer", origin, u->name);
	u->soft = (enum fwconf_soft)i;
	if (check_commands(u, origin, e) == -1 ||
	    load_enable(u, cfg_getstr(sec, "enable"), origin, e) == -1)
		return -1;
	if (make_definition(u) == -1)
		return fwconf_fail_errno(e, "%s", origin);
	return 0;
}

/* Replace the unit of the same name in place, or append. */
static int
add_unit(struct fwconf_units *us, struct fwconf_unit *u)
{
	struct fwconf_unit *v;
	size_t i;

	for (i = 0; i < us->n; i++)
		if (strcmp(us->v[i].name, u->name) == 0) {
			free_unit(&us->v[i]);
			us->v[i] = *u;
			return 0;
		}
	if ((v = reallocarray(us->v, us->n + 1, sizeof(*v))) == NULL)
		return -1;
	us->v = v;
	us->v[us->n++] = *u;
	return 0;
}

int
fwconf_units_parse(struct fwconf_units *us, const char *text,
    const char *origin, struct fwconf_err *e)
{
	struct fwconf_unit u;
	struct fwconf_err local;
	unsigned int i;
	cfg_t *cfg;
	int r = 0;

	if (e == NULL)
		e = &local;
	if ((cfg = cfg_init(catalogue_opts, CFGF_NONE)) == NULL)
		return fwconf_fail_errno(e, "cfg_init");
	r = fwconf_cfg_parse(cfg, text, origin, e);
	for (i = 0; r == 0 && i < cfg_size(cfg, "unit"); i++) {
		memset(&u, 0, sizeof(u));
		if (load_unit(&u, cfg_getnsec(cfg, "unit", i), origin, e) == -1 ||
		    add_unit(us, &u) == -1) {
			if (e->msg[0] == '\0')
				fwconf_fail_errno(e, "%s", origin);
			free_unit(&u);
			r = -1;
		}
	}
	cfg_free(cfg);
	return r;
}

static int
parse_file(struct fwconf_units *us, const char *path, struct fwconf_err *e)
{
	char *text;
	int r;

	if ((r = fwconf_cfg_read(path, &text, e)) == 1)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: no unit catalogue",
		    path);
	if (r == -1)
		return -1;
	r = fwconf_units_parse(us, text, path, e);
	free(text);
	return r;
}

static int
conf_file(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return de->d_name[0] != '.' && n > 5 &&
	    strcmp(de->d_name + n - 5, ".conf") == 0;
}

int
fwconf_units_load(struct fwconf_units *us, struct fwconf_err *e)
{
	char path[PATH_MAX], dir[PATH_MAX];
	struct dirent **names = NULL;
	int i, n, r = 0;

	memset(us, 0, sizeof(*us));
	if ((size_t)snprintf(path, sizeof(path), "%s/units.conf",
	    fwconf_datadir()) >= sizeof(path) ||
	    fwconf_path(dir, sizeof(dir), "/etc/mpfw/units.d") == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "units: path too long");
	if (parse_file(us, path, e) == -1)
		return -1;
	if ((n = scandir(dir, &names, conf_file, alphasort)) == -1)
		return errno == ENOENT ? 0 : fwconf_fail_errno(e, "%s", dir);
	for (i = 0; i < n; i++) {
		if (r == 0 && (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    names[i]->d_name) < sizeof(path))
			r = parse_file(us, path, e);
		free(names[i]);
	}
	free(names);
	return r;
}

void
fwconf_units_free(struct fwconf_units *us)
{
	size_t i;

	for (i = 0; i < us->n; i++)
		free_unit(&us->v[i]);
	free(us->v);
	memset(us, 0, sizeof(*us));
}

const struct fwconf_unit *
fwconf_unit_find(const struct fwconf_units *us, const char *name)
{
	size_t i;

	for (i = 0; i < us->n; i++)
		if (strcmp(us->v[i].name, name) == 0)
			return &us->v[i];
	return NULL;
}
