/*
 * ports.c: no two services listen on one port.  A key marked `listen` in
 * its schema is a port some service listens on; each is checked against
 * every other such key, in its own settings file and in every other tool's,
 * so a port taken by fw-svc cannot be given to fw-proxy and the other way
 * round.  Each new schema extends the rule by marking its ports.
 */
#include <stdlib.h>
#include <string.h>

#include "fwconf.h"

/* The tool that owns a settings file, for the message. */
static const char *
owner(const struct fwconf_schema *schema)
{
	static const char *const tools[][2] = {
		{ "services", "fw-svc" }, { "proxy", "fw-proxy" },
		{ "ups", "fw-ups" }, { "maint", "fw-maint" },
	};
	size_t i;

	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (strcmp(tools[i][0], schema->name) == 0)
			return tools[i][1];
	return schema->name;
}

/* Does another listening key of other take k's port value? */
static int
clash(const struct fwconf_settings *s, const struct fwconf_key *k,
    const char *port, const struct fwconf_settings *other,
    struct fwconf_err *e)
{
	const struct fwconf_key *o;
	size_t i;

	for (i = 0; i < other->schema->nkeys; i++) {
		o = &other->schema->keys[i];
		if (!o->listen || o == k ||
		    fwconf_settings_invalid(other, o) != NULL ||
		    strcmp(fwconf_settings_get(other, o), port) != 0)
			continue;
		if (other == s)
			return fwconf_fail(e, FWCONF_REFUSED, "%s=%s: %s "
			    "listens on that port already", k->name, port,
			    o->name);
		return fwconf_fail(e, FWCONF_REFUSED, "%s=%s: %s of %s "
		    "listens on that port already", k->name, port, o->name,
		    owner(other->schema));
	}
	return 0;
}

/* The listening keys of s (all, or those changed) against every other. */
int
fwconf_ports_check(const struct fwconf_settings *s, bool all,
    struct fwconf_err *e)
{
	const struct fwconf_schema *schemas;
	struct fwconf_settings *others = NULL;
	const struct fwconf_key *k;
	size_t i, j, n;
	int r = 0;

	schemas = fwconf_schema_builtin_all(&n);
	for (i = 0; i < s->schema->nkeys && r == 0; i++) {
		k = &s->schema->keys[i];
		if (!k->listen || fwconf_settings_invalid(s, k) != NULL ||
		    *fwconf_settings_get(s, k) == '\0' ||
		    (!all && !fwconf_settings_changed(s, k->name)))
			continue;
		r = clash(s, k, fwconf_settings_get(s, k), s, e);
		for (j = 0; j < n && r == 0; j++) {
			if (strcmp(schemas[j].name, s->schema->name) == 0)
				continue;
			if (others == NULL &&
			    (others = calloc(n, sizeof(*others))) == NULL)
				return fwconf_fail_errno(e, "ports");
			if (others[j].schema == NULL &&
			    fwconf_settings_open(&others[j], &schemas[j], e) == -1) {
				r = -1;
				break;
			}
			r = clash(s, k, fwconf_settings_get(s, k), &others[j], e);
		}
	}
	for (j = 0; others != NULL && j < n; j++)
		if (others[j].schema != NULL)
			fwconf_settings_close(&others[j]);
	free(others);
	return r;
}
