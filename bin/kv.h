/*
 * kv.h: the verbs shared by the key=value tools (fw-svc, and later
 * fw-proxy, fw-ups, fw-maint): show, get, set, reset, enable, disable,
 * keys, describe, passwd, render.  A tool describes itself in a kv_tool
 * and hands its arguments to kv_main.
 */
#ifndef KV_H
#define KV_H

#include <stdio.h>

#include "fwconf.h"

struct kv_tool {
	const char *schema;		/* schema and settings file name */
	const char *const *units;	/* what render knows, NULL-ended */
	/* Write unit's file to out; values were all checked. */
	int	(*render)(const struct fwconf_settings *, const char *unit,
		    FILE *out, struct fwconf_err *);
	/* Rules beyond the schema (other files); under the lock. */
	int	(*check)(const struct fwconf_settings *, struct fwconf_err *);
};

int	kv_main(const struct kv_tool *, int argc, char *argv[]);

#endif
