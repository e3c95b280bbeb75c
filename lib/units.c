/*
 * units.c: the unit catalogue, fw-units(5).  DATADIR/units.conf is read
 * first, then ROOT/etc/mpfw/units.d/\*.conf in name order; a unit of a
 * name already known replaces it in place, a new name is added at the end.
 *
 *	unit NAME {
 *		inputs  = {services, dns}
 *		render  = '...'    target = '/etc/...'    mode = '0644'
 *		file NAME { render = '...'  target = '...'  mode = '0600' }
 *		file NAME { target = '...'  hand = yes }
 *		check   = '...'    # %f candidate, %t target, %d staging dir
 *		reload  = '...'    restart = '...'    start = '...'   stop = '...'
 *		soft    = reload | restart | defer
 *		enable  = 'services.dns'
 *		group   = 'nut'    # the files' group; owner root
 *		secret  = false
 *	}
 *
 * A unit gives render/target/mode directly or in file sections, not both.
 *
 * A file with `hand = yes` and no render is maintained by hand (the load
 * balancer's, which support writes): fw-apply never renders nor installs
 * it.  The installed file itself is the candidate its check reads; the
 * unit is pending when the file's content changed since its last apply
 * (its hash is part of the stamp), and it is checked before every start,
 * restart and reload, so that a file that fails is never given to the
 * daemon (apply.c).
 *
 * A unit of units.d whose name is already known is a drop-in, as with
 * systemd: the fields it gives replace those of the known unit, the
 * others are kept; a command given as '' is removed; file sections (or
 * render and target) replace all of its files; `disabled = yes` takes the
 * unit out of the catalogue.
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
	CFG_BOOL("hand", cfg_false, CFGF_NODEFAULT),
	CFG_END()
};

static cfg_opt_t unit_opts[] = {
	CFG_STR_LIST("inputs", NULL, CFGF_NODEFAULT),
	CFG_STR("render", NULL, CFGF_NODEFAULT),
	CFG_STR("target", NULL, CFGF_NODEFAULT),
	CFG_STR("mode", NULL, CFGF_NODEFAULT),
	CFG_BOOL("hand", cfg_false, CFGF_NODEFAULT),
	CFG_SEC("file", file_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_STR("check", NULL, CFGF_NODEFAULT),
	CFG_STR("reload", NULL, CFGF_NODEFAULT),
	CFG_STR("restart", NULL, CFGF_NODEFAULT),
	CFG_STR("start", NULL, CFGF_NODEFAULT),
	CFG_STR("stop", NULL, CFGF_NODEFAULT),
	CFG_STR("soft", NULL, CFGF_NODEFAULT),
	CFG_STR("enable", NULL, CFGF_NODEFAULT),
	CFG_STR("group", NULL, CFGF_NODEFAULT),
	CFG_BOOL("secret", cfg_false, CFGF_NODEFAULT),
	CFG_BOOL("disabled", cfg_false, CFGF_NODEFAULT),
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
    const char *target, const char *mode, bool hand, const char *unit,
    const char *origin, struct fwconf_err *e)
{
	char *n = strdup(name), *r = render ? strdup(render) : NULL;
	char *t = target ? strdup(target) : NULL;

	/* f may be amended in place: its old strings may be these ones. */
	free(f->name);
	free(f->render);
	free(f->target);
	f->name = n;
	f->render = r;
	f->target = t;
	f->hand = hand;
	if (f->name == NULL)
		return fwconf_fail_errno(e, "%s", origin);
	/* The arguments may have been those strings: use the copies. */
	name = f->name;
	render = f->render;
	target = f->target;
	if (hand && render != NULL)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: file %s "
		    "is rendered or written by hand (hand = yes), not both",
		    origin, unit, name);
	if ((!hand && render == NULL) || target == NULL)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: file %s "
		    "needs render and target%s", origin, unit, name,
		    hand ? "" : " (or target and hand = yes)");
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

static void
free_files(struct fwconf_unit *u)
{
	size_t i;

	for (i = 0; i < u->nfiles; i++) {
		free(u->files[i].name);
		free(u->files[i].render);
		free(u->files[i].target);
	}
	free(u->files);
	u->files = NULL;
	u->nfiles = 0;
}

/*
 * The files of a unit: file sections, or render/target/mode given
 * directly.  A drop-in that gives only some of render, target and mode
 * changes them in the one file of the unit it amends.
 */
static int
load_files(struct fwconf_unit *u, cfg_t *sec, bool dropin, const char *origin,
    struct fwconf_err *e)
{
	const char *render = cfg_getstr(sec, "render");
	const char *target = cfg_getstr(sec, "target");
	const char *mode = cfg_getstr(sec, "mode");
	const bool hand_given = cfg_size(sec, "hand") > 0;
	bool hand = hand_given && cfg_getbool(sec, "hand");
	unsigned int i, n = cfg_size(sec, "file");
	struct fwconf_unit_file *f;
	char mbuf[8];
	cfg_t *fs;

	if (n > 0 && (render != NULL || target != NULL || mode != NULL ||
	    hand_given))
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: give "
		    "render and target, or file sections, not both", origin,
		    u->name);
	if (n == 0 && render == NULL && target == NULL && mode == NULL &&
	    !hand_given) {
		if (dropin)
			return 0;
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: needs "
		    "render and target, or file sections", origin, u->name);
	}
	if (n == 0 && dropin && (render == NULL || target == NULL)) {
		/* A part of the one file changes. */
		if (u->nfiles != 1)
			return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s has %zu "
			    "files: amend them in file sections", origin,
			    u->name, u->nfiles);
		f = &u->files[0];
		snprintf(mbuf, sizeof(mbuf), "%04o", (unsigned int)f->mode);
		/* A render given makes a hand file rendered, and the other
		 * way round; otherwise it stays what it was. */
		if (!hand_given)
			hand = render == NULL && f->hand;
		return load_file(f, f->name, hand ? NULL : render ? render :
		    f->render, target ? target : f->target, mode ? mode : mbuf,
		    hand, u->name, origin, e);
	}
	free_files(u);
	u->nfiles = n > 0 ? n : 1;
	if ((u->files = calloc(u->nfiles, sizeof(*u->files))) == NULL)
		return fwconf_fail_errno(e, "%s", origin);
	if (n == 0)
		return load_file(&u->files[0], u->name, render, target,
		    mode ? mode : "0644", hand, u->name, origin, e);
	for (i = 0; i < n; i++) {
		fs = cfg_getnsec(sec, "file", i);
		if (load_file(&u->files[i], cfg_title(fs), cfg_getstr(fs,
		    "render"), cfg_getstr(fs, "target"), cfg_getstr(fs, "mode"),
		    cfg_size(fs, "hand") > 0 && cfg_getbool(fs, "hand"),
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
		if (u->files[i].render != NULL &&
		    (bad = bad_placeholder(u->files[i].render)) != NULL)
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
	const char *dot, *eq;
	char *v, *w, *save = NULL;

	if (s == NULL)
		return 0;
	/* FILE.KEY, a yes/no key; or FILE.KEY=V1,V2 of an enum: on while
	 * the key has one of the values (ups.mode=master,slave). */
	eq = strchr(s, '=');
	if ((dot = strchr(s, '.')) == NULL || (eq != NULL && eq < dot) ||
	    (u->enable_file = strndup(s, (size_t)(dot - s))) == NULL ||
	    (u->enable_key = strndup(dot + 1, eq != NULL ? (size_t)(eq - dot -
	    1) : strlen(dot + 1))) == NULL ||
	    (schema = fwconf_schema_builtin(u->enable_file)) == NULL ||
	    (k = fwconf_key_find(schema, u->enable_key)) == NULL ||
	    (eq == NULL && k->type != FWCONF_BOOL) ||
	    (eq != NULL && k->type != FWCONF_ENUM))
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: enable %s: "
		    "must name a yes/no key as FILE.KEY, or an enum key and "
		    "its values as FILE.KEY=V1,V2", origin, u->name, s);
	if (eq == NULL)
		return 0;
	if ((u->enable_values = strdup(eq + 1)) == NULL ||
	    (v = strdup(eq + 1)) == NULL)
		return fwconf_fail_errno(e, "%s", origin);
	for (w = strtok_r(v, ",", &save); w != NULL; w = strtok_r(NULL, ",",
	    &save))
		if (!fwconf_list_has(k->values, w)) {
			fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: enable %s: "
			    "%s is not a value of %s (%s)", origin, u->name, s,
			    w, k->name, k->values);
			free(v);
			return -1;
		}
	free(v);
	if (*u->enable_values == '\0')
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: enable %s: "
		    "no value", origin, u->name, s);
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
		if (u->files[i].hand)
			ADD("file %s\t\t%s\t%04o\thand", u->files[i].name,
			    u->files[i].target, (unsigned int)u->files[i].mode);
		else
			ADD("file %s\t%s\t%s\t%04o", u->files[i].name,
			    u->files[i].render, u->files[i].target,
			    (unsigned int)u->files[i].mode);
	ADD("check %s", u->check);
	ADD("reload %s", u->reload ? u->reload : "");
	ADD("restart %s", u->restart ? u->restart : "");
	ADD("start %s", u->start ? u->start : "");
	ADD("stop %s", u->stop ? u->stop : "");
	ADD("soft %s", soft_names[u->soft]);
	ADD("enable %s.%s%s%s", u->enable_file ? u->enable_file : "",
	    u->enable_key ? u->enable_key : "", u->enable_values ? "=" : "",
	    u->enable_values ? u->enable_values : "");
	ADD("group %s", u->group ? u->group : "");
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

	for (i = 0; u->inputs != NULL && i < u->ninputs; i++)
		free(u->inputs[i]);
	free_files(u);
	free(u->inputs);
	free(u->name);
	free(u->origin);
	free(u->check);
	free(u->reload);
	free(u->restart);
	free(u->start);
	free(u->stop);
	free(u->enable_file);
	free(u->enable_key);
	free(u->enable_values);
	free(u->group);
	free(u->definition);
	memset(u, 0, sizeof(*u));
}

static char *
dup_or_null(const char *s, bool *failed)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*failed = true;
	return d;
}

/* A deep copy, for a drop-in to amend. */
static int
copy_unit(struct fwconf_unit *to, const struct fwconf_unit *from)
{
	bool failed = false;
	size_t i;

	memset(to, 0, sizeof(*to));
	to->name = dup_or_null(from->name, &failed);
	to->origin = dup_or_null(from->origin, &failed);
	to->ninputs = from->ninputs;
	to->inputs = calloc(from->ninputs + 1, sizeof(*to->inputs));
	to->nfiles = from->nfiles;
	to->files = calloc(from->nfiles + 1, sizeof(*to->files));
	if (to->inputs == NULL || to->files == NULL)
		return -1;
	for (i = 0; i < from->ninputs; i++)
		to->inputs[i] = dup_or_null(from->inputs[i], &failed);
	for (i = 0; i < from->nfiles; i++) {
		to->files[i].name = dup_or_null(from->files[i].name, &failed);
		to->files[i].render = dup_or_null(from->files[i].render,
		    &failed);
		to->files[i].target = dup_or_null(from->files[i].target,
		    &failed);
		to->files[i].mode = from->files[i].mode;
		to->files[i].hand = from->files[i].hand;
	}
	to->check = dup_or_null(from->check, &failed);
	to->reload = dup_or_null(from->reload, &failed);
	to->restart = dup_or_null(from->restart, &failed);
	to->start = dup_or_null(from->start, &failed);
	to->stop = dup_or_null(from->stop, &failed);
	to->soft = from->soft;
	to->enable_file = dup_or_null(from->enable_file, &failed);
	to->enable_key = dup_or_null(from->enable_key, &failed);
	to->enable_values = dup_or_null(from->enable_values, &failed);
	to->group = dup_or_null(from->group, &failed);
	to->secret = from->secret;
	to->disabled = from->disabled;
	return failed ? -1 : 0;
}

/* A command given replaces the old one; given as '', it is removed. */
static int
load_command(char **field, cfg_t *sec, const char *opt)
{
	const char *v;

	if (cfg_size(sec, opt) == 0)
		return 0;
	free(*field);
	*field = NULL;
	if ((v = cfg_getstr(sec, opt)) == NULL || *v == '\0')
		return 0;
	return (*field = strdup(v)) == NULL ? -1 : 0;
}

static int
load_inputs(struct fwconf_unit *u, cfg_t *sec, const char *origin,
    struct fwconf_err *e)
{
	unsigned int i, n = cfg_size(sec, "inputs");

	if (n == 0)
		return 0;
	for (i = 0; i < u->ninputs; i++)
		free(u->inputs[i]);
	free(u->inputs);
	u->ninputs = n;
	if ((u->inputs = calloc(n + 1, sizeof(*u->inputs))) == NULL)
		return fwconf_fail_errno(e, "%s", origin);
	for (i = 0; i < n; i++)
		if ((u->inputs[i] = strdup(cfg_getnstr(sec, "inputs", i))) ==
		    NULL || !valid_name(u->inputs[i]))
			return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: "
			    "input %s: not a settings file name", origin,
			    u->name, cfg_getnstr(sec, "inputs", i));
	return 0;
}

static int
load_soft(struct fwconf_unit *u, cfg_t *sec, bool dropin, const char *origin,
    struct fwconf_err *e)
{
	const char *soft = cfg_getstr(sec, "soft");
	unsigned int i;

	if (soft == NULL && dropin)
		return 0;
	for (i = 0; i < 3; i++)
		if (soft != NULL && strcmp(soft, soft_names[i]) == 0)
			break;
	if (i == 3)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: soft must "
		    "be reload, restart or defer", origin, u->name);
	u->soft = (enum fwconf_soft)i;
	return 0;
}

/*
 * A unit from its section: u is zeroed for a new unit, or a copy of the
 * known unit of that name that this drop-in amends.
 */
static int
load_unit(struct fwconf_unit *u, cfg_t *sec, bool dropin, const char *origin,
    struct fwconf_err *e)
{
	const char *cmds[] = { "check", "reload", "restart", "start", "stop" };
	char **fields[] = { &u->check, &u->reload, &u->restart, &u->start,
	    &u->stop };
	const char *enable = cfg_getstr(sec, "enable");
	size_t i;

	free(u->name);
	free(u->origin);
	u->name = strdup(cfg_title(sec));
	u->origin = strdup(origin);
	if (u->name == NULL || u->origin == NULL)
		return fwconf_fail_errno(e, "%s", origin);
	if (!valid_name(u->name))
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %.64s: a name "
		    "is lower case letters, digits, - and _", origin, u->name);
	if (load_inputs(u, sec, origin, e) == -1 ||
	    load_files(u, sec, dropin, origin, e) == -1)
		return -1;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (load_command(fields[i], sec, cmds[i]) == -1)
			return fwconf_fail_errno(e, "%s", origin);
	if (load_command(&u->group, sec, "group") == -1)
		return fwconf_fail_errno(e, "%s", origin);
	if (u->group != NULL && !valid_name(u->group))
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: unit %s: group %.64s: "
		    "not a group name", origin, u->name, u->group);
	if (cfg_size(sec, "secret") > 0)
		u->secret = cfg_getbool(sec, "secret");
	if (cfg_size(sec, "disabled") > 0)
		u->disabled = cfg_getbool(sec, "disabled");
	if (load_soft(u, sec, dropin, origin, e) == -1 ||
	    check_commands(u, origin, e) == -1)
		return -1;
	if (enable != NULL) {
		free(u->enable_file);
		free(u->enable_key);
		free(u->enable_values);
		u->enable_file = u->enable_key = u->enable_values = NULL;
		if (*enable != '\0' && load_enable(u, enable, origin, e) == -1)
			return -1;
	}
	free(u->definition);
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
	const struct fwconf_unit *known;
	struct fwconf_unit u;
	struct fwconf_err local;
	unsigned int i;
	cfg_t *cfg, *sec;
	int r = 0;

	if (e == NULL)
		e = &local;
	if ((cfg = cfg_init(catalogue_opts, CFGF_NONE)) == NULL)
		return fwconf_fail_errno(e, "cfg_init");
	r = fwconf_cfg_parse(cfg, text, origin, e);
	for (i = 0; r == 0 && i < cfg_size(cfg, "unit"); i++) {
		sec = cfg_getnsec(cfg, "unit", i);
		known = fwconf_unit_find(us, cfg_title(sec));
		memset(&u, 0, sizeof(u));
		if ((known != NULL && copy_unit(&u, known) == -1) ||
		    load_unit(&u, sec, known != NULL, origin, e) == -1 ||
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

/* Units switched off by `disabled = yes` leave the catalogue. */
static void
drop_disabled(struct fwconf_units *us)
{
	size_t i, j;

	for (i = j = 0; i < us->n; i++)
		if (us->v[i].disabled)
			free_unit(&us->v[i]);
		else
			us->v[j++] = us->v[i];
	us->n = j;
}

/*
 * The files the catalogue is read from, in the order it is: units.conf,
 * then units.d's *.conf by name.  0, or -1 with e filled.
 */
int
fwconf_units_sources(char ***paths, size_t *np, struct fwconf_err *e)
{
	char path[PATH_MAX], dir[PATH_MAX];
	struct dirent **names = NULL;
	char **v;
	int i, n;

	*paths = NULL;
	*np = 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/units.conf",
	    fwconf_datadir()) >= sizeof(path) ||
	    fwconf_path(dir, sizeof(dir), "/etc/mpfw/units.d") == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "units: path too long");
	if ((n = scandir(dir, &names, conf_file, alphasort)) == -1) {
		if (errno != ENOENT)
			return fwconf_fail_errno(e, "%s", dir);
		n = 0;
	}
	if ((v = calloc((size_t)n + 2, sizeof(*v))) == NULL ||
	    (v[0] = strdup(path)) == NULL)
		goto fail;
	*np = 1;
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    names[i]->d_name) >= sizeof(path) ||
		    (v[*np] = strdup(path)) == NULL)
			goto fail;
		(*np)++;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	*paths = v;
	return 0;
fail:
	fwconf_fail_errno(e, "%s", dir);
	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	*np = 0;
	return -1;
}

int
fwconf_units_load(struct fwconf_units *us, struct fwconf_err *e)
{
	char **paths;
	size_t n, i;
	int r = 0;

	memset(us, 0, sizeof(*us));
	if (fwconf_units_sources(&paths, &n, e) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (r == 0)
			r = parse_file(us, paths[i], e);
		free(paths[i]);
	}
	free(paths);
	if (r == 0)
		drop_disabled(us);
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
