/*
 * schema.c: read a schema, DATADIR/schema/NAME.conf, with libconfuse.
 *
 *	key NAME {
 *		type     = bool | int | port | ... (fwconf_type_name)
 *		default  = VALUE          # normalised and checked by its type
 *		empty    = false          # may the value be empty?
 *		min, max = N              # int range; string: max = length
 *		values   = {A, B}         # enum
 *		reserved = {21, 22}       # port, portlist: refused ports
 *		units    = {sshd}         # units whose files it feeds
 *		label    = "..."          # German menu label
 *		help     = "..."          # English help
 *		warn_on  = VALUE          # setting VALUE prints warning
 *		warning  = "..."
 *		advanced = false          # hidden from the short listing
 *		listen   = false          # port: a service listens on it
 *		local    = false          # email: a local address is taken
 *	}
 *	rule {
 *		kind = less | requires | differ | nonempty
 *		keys = {A, B}
 *	}
 *
 * less: int A below int B; requires: bool A = yes needs bool B = yes;
 * differ: A and B, of one type, differ; nonempty: bool A = yes needs B,
 * a key that may be empty, not empty.
 *
 * An email key takes local@domain where the domain has a dot; with local,
 * a single-label domain too (root@localhost, admin@firewall): an address
 * the firewall's own mail server delivers, for a key whose mail it sends.
 *
 * The tools use the tables that mkschema compiles from this at build time;
 * this loader is the one parser of the format either way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

static cfg_opt_t key_opts[] = {
	CFG_STR("type", NULL, CFGF_NODEFAULT),
	CFG_STR("default", NULL, CFGF_NODEFAULT),
	CFG_BOOL("empty", cfg_false, CFGF_NONE),
	CFG_INT("min", 0, CFGF_NODEFAULT),
	CFG_INT("max", 0, CFGF_NODEFAULT),
	CFG_STR_LIST("values", NULL, CFGF_NODEFAULT),
	CFG_INT_LIST("reserved", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("units", NULL, CFGF_NODEFAULT),
	CFG_STR("label", NULL, CFGF_NODEFAULT),
	CFG_STR("help", NULL, CFGF_NODEFAULT),
	CFG_STR("warn_on", NULL, CFGF_NODEFAULT),
	CFG_STR("warning", NULL, CFGF_NODEFAULT),
	CFG_BOOL("advanced", cfg_false, CFGF_NONE),
	CFG_BOOL("listen", cfg_false, CFGF_NONE),
	CFG_BOOL("local", cfg_false, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t rule_opts[] = {
	CFG_STR("kind", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("keys", NULL, CFGF_NODEFAULT),
	CFG_END()
};

static cfg_opt_t schema_opts[] = {
	CFG_SEC("key", key_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_SEC("rule", rule_opts, CFGF_MULTI),
	CFG_END()
};

/* A libconfuse list as one space-separated string, or NULL when unset. */
static char *
join_list(cfg_t *sec, const char *opt, bool ints)
{
	unsigned int i, n = cfg_size(sec, opt);
	size_t len = 1;
	char *out, num[32];

	if (n == 0)
		return NULL;
	for (i = 0; i < n; i++)
		len += (ints ? 21 : strlen(cfg_getnstr(sec, opt, i))) + 1;
	if ((out = calloc(1, len)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (i > 0)
			strlcat(out, " ", len);
		if (ints) {
			snprintf(num, sizeof(num), "%ld", cfg_getnint(sec, opt, i));
			strlcat(out, num, len);
		} else
			strlcat(out, cfg_getnstr(sec, opt, i), len);
	}
	return out;
}

static int
load_key(struct fwconf_key *k, cfg_t *sec, const char *file,
    struct fwconf_err *e)
{
	const char *type = cfg_getstr(sec, "type");
	const char *name = cfg_title(sec);
	struct fwconf_err verr;
	char *def;

	k->name = strdup(name);
	if (type == NULL || fwconf_type_from_name(type, &k->type) == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: key %s: %s type %s",
		    file, name, type ? "unknown" : "no", type ? type : "");
	k->empty_ok = cfg_getbool(sec, "empty");
	k->advanced = cfg_getbool(sec, "advanced");
	k->listen = cfg_getbool(sec, "listen");
	if (k->listen && k->type != FWCONF_PORT)
		return fwconf_fail(e, FWCONF_SYSTEM,
		    "%s: key %s: only a port can be listened on", file, name);
	k->local = cfg_getbool(sec, "local");
	if (k->local && k->type != FWCONF_EMAIL)
		return fwconf_fail(e, FWCONF_SYSTEM,
		    "%s: key %s: only an email key takes local addresses",
		    file, name);
	k->min = cfg_size(sec, "min") ? cfg_getint(sec, "min") : 0;
	k->max = cfg_size(sec, "max") ? cfg_getint(sec, "max") :
	    k->type == FWCONF_STRING ? 255 : 0;
	k->values = join_list(sec, "values", false);
	k->reserved = join_list(sec, "reserved", true);
	k->units = join_list(sec, "units", false);
	k->label = fwconf_cfg_dup(sec, "label");
	k->help = fwconf_cfg_dup(sec, "help");
	k->warning = fwconf_cfg_dup(sec, "warning");
	if (k->label == NULL || k->help == NULL)
		return fwconf_fail(e, FWCONF_SYSTEM,
		    "%s: key %s: needs a label and a help", file, name);
	if (k->type == FWCONF_ENUM && k->values == NULL)
		return fwconf_fail(e, FWCONF_SYSTEM,
		    "%s: key %s: an enum needs values", file, name);
	if (k->type == FWCONF_INT && (!cfg_size(sec, "min") ||
	    !cfg_size(sec, "max") || k->min > k->max))
		return fwconf_fail(e, FWCONF_SYSTEM,
		    "%s: key %s: an int needs min <= max", file, name);

	/* The default passes the key's own validation, as any value must. */
	if (k->type == FWCONF_SECRET) {
		k->def = strdup("");
		return 0;
	}
	if (cfg_getstr(sec, "default") == NULL)
		return fwconf_fail(e, FWCONF_SYSTEM,
		    "%s: key %s: no default", file, name);
	if ((def = fwconf_validate(k, cfg_getstr(sec, "default"), &verr)) == NULL)
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: default of %s",
		    file, verr.msg);
	k->def = def;
	if (cfg_getstr(sec, "warn_on") != NULL) {
		k->warn_value = fwconf_validate(k, cfg_getstr(sec, "warn_on"),
		    &verr);
		if (k->warn_value == NULL)
			return fwconf_fail(e, FWCONF_SYSTEM,
			    "%s: warn_on of %s", file, verr.msg);
		if (k->warning == NULL)
			return fwconf_fail(e, FWCONF_SYSTEM,
			    "%s: key %s: warn_on needs a warning", file, name);
	}
	return 0;
}

static int
load_rule(struct fwconf_schema *s, struct fwconf_rule *r, cfg_t *sec,
    const char *file, struct fwconf_err *e)
{
	const char *kind = cfg_getstr(sec, "kind");
	const struct fwconf_key *a, *b;
	enum fwconf_type want;

	if (kind != NULL && strcmp(kind, "less") == 0) {
		r->kind = FWCONF_RULE_LESS;
		want = FWCONF_INT;
	} else if (kind != NULL && strcmp(kind, "requires") == 0) {
		r->kind = FWCONF_RULE_REQUIRES;
		want = FWCONF_BOOL;
	} else if (kind != NULL && strcmp(kind, "differ") == 0) {
		r->kind = FWCONF_RULE_DIFFER;
		want = (enum fwconf_type)-1;	/* any, the same for both */
	} else if (kind != NULL && strcmp(kind, "nonempty") == 0) {
		r->kind = FWCONF_RULE_NONEMPTY;
		want = FWCONF_BOOL;
	} else
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: rule: kind %s",
		    file, kind ? "unknown" : "missing");
	if (cfg_size(sec, "keys") != 2)
		return fwconf_fail(e, FWCONF_SYSTEM,
		    "%s: rule %s: needs two keys", file, kind);
	r->a = strdup(cfg_getnstr(sec, "keys", 0));
	r->b = strdup(cfg_getnstr(sec, "keys", 1));
	a = fwconf_key_find(s, r->a);
	b = fwconf_key_find(s, r->b);
	if (r->kind == FWCONF_RULE_NONEMPTY) {
		if (a == NULL || b == NULL || a->type != FWCONF_BOOL ||
		    !b->empty_ok || b->type == FWCONF_SECRET)
			return fwconf_fail(e, FWCONF_SYSTEM, "%s: rule %s %s "
			    "%s: needs a bool key and a key that may be empty",
			    file, kind, r->a, r->b);
		return 0;
	}
	if (a == NULL || b == NULL || a->type != b->type ||
	    (want != (enum fwconf_type)-1 && a->type != want))
		return fwconf_fail(e, FWCONF_SYSTEM,
		    "%s: rule %s %s %s: needs two %s keys", file, kind,
		    r->a, r->b, want != (enum fwconf_type)-1 ?
		    fwconf_type_name(want) : "known keys of one type");
	return 0;
}

static struct fwconf_schema *
load(cfg_t *cfg, const char *name, const char *file, struct fwconf_err *e)
{
	struct fwconf_schema *s;
	struct fwconf_key *keys;
	struct fwconf_rule *rules;
	unsigned int i;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->name = strdup(name);
	s->nkeys = cfg_size(cfg, "key");
	s->nrules = cfg_size(cfg, "rule");
	keys = calloc(s->nkeys + 1, sizeof(*keys));
	rules = calloc(s->nrules + 1, sizeof(*rules));
	s->keys = keys;
	s->rules = rules;
	if (s->name == NULL || keys == NULL || rules == NULL) {
		fwconf_fail_errno(e, "%s", file);
		goto bad;
	}
	for (i = 0; i < s->nkeys; i++)
		if (load_key(&keys[i], cfg_getnsec(cfg, "key", i), file, e) == -1)
			goto bad;
	for (i = 0; i < s->nrules; i++)
		if (load_rule(s, &rules[i], cfg_getnsec(cfg, "rule", i), file,
		    e) == -1)
			goto bad;
	return s;
bad:
	fwconf_schema_free(s);
	return NULL;
}

static struct fwconf_schema *
parse(const char *text, const char *origin, const char *name,
    struct fwconf_err *e)
{
	struct fwconf_schema *s = NULL;
	struct fwconf_err local;
	cfg_t *cfg;

	if (e == NULL)
		e = &local;
	if ((cfg = cfg_init(schema_opts, CFGF_NONE)) == NULL) {
		fwconf_fail_errno(e, "cfg_init");
		return NULL;
	}
	if (fwconf_cfg_parse(cfg, text, origin, e) == 0)
		s = load(cfg, name, origin, e);
	cfg_free(cfg);
	return s;
}

/* NAME is the file's base name without ".conf". */
struct fwconf_schema *
fwconf_schema_load(const char *path, struct fwconf_err *e)
{
	struct fwconf_schema *s;
	const char *base = strrchr(path, '/');
	char name[256], *text;
	size_t n;
	int r;

	base = base != NULL ? base + 1 : path;
	n = strcspn(base, ".");
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, base, n);
	name[n] = '\0';
	if ((r = fwconf_cfg_read(path, &text, e)) != 0) {
		if (r == 1)
			fwconf_fail(e, FWCONF_SYSTEM, "%s: no such schema",
			    path);
		return NULL;
	}
	s = parse(text, path, name, e);
	free(text);
	return s;
}

struct fwconf_schema *
fwconf_schema_parse(const char *text, const char *name, struct fwconf_err *e)
{
	return parse(text, name, name, e);
}

void
fwconf_schema_free(struct fwconf_schema *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; s->keys != NULL && i < s->nkeys; i++) {
		const struct fwconf_key *k = &s->keys[i];
		free((char *)k->name);
		free((char *)k->def);
		free((char *)k->values);
		free((char *)k->reserved);
		free((char *)k->units);
		free((char *)k->label);
		free((char *)k->help);
		free((char *)k->warn_value);
		free((char *)k->warning);
	}
	for (i = 0; s->rules != NULL && i < s->nrules; i++) {
		free((char *)s->rules[i].a);
		free((char *)s->rules[i].b);
	}
	free((void *)s->keys);
	free((void *)s->rules);
	free((char *)s->name);
	free(s);
}
