/*
 * kv.h: the verbs shared by the key=value tools (fw-svc, fw-proxy,
 * fw-ups, fw-maint): show, get, set, reset, enable, disable, keys,
 * describe, passwd, render.  A tool describes itself in a kv_tool, with
 * the files it renders and any verbs of its own, and hands its arguments
 * to kv_main.
 */
#ifndef KV_H
#define KV_H

#include <stdbool.h>
#include <stdio.h>

#include "fwconf.h"
#include "verb.h"

/* `TOOL render NAME`: one rendered file, written by bin/render/DAEMON.c. */
struct kv_render {
	const char *name;
	/* Write the file to out; every value was checked. */
	int	(*render)(const struct fwconf_settings *, FILE *out,
		    struct fwconf_err *);
};

struct kv_tool {
	const char *schema;		/* schema and settings file name */
	const struct kv_render *renders;	/* NULL-name-ended, or NULL */
	/*
	 * Rules beyond the schema (other files, the machine).  With all,
	 * every rule, as render needs; else those a changed key touches.
	 */
	int	(*check)(const struct fwconf_settings *, bool all,
		    struct fwconf_err *);
	const struct verb *verbs;	/* the tool's own verbs, or NULL */
	/*
	 * What passwd keeps of a secret typed for key, malloc'd: the value
	 * itself (NULL hook), or only what the daemon needs (a hash).
	 */
	char	*(*keep_secret)(const struct fwconf_key *, const char *typed,
		    struct fwconf_err *);
};

int	 kv_main(const struct kv_tool *, int argc, char *argv[]);

/* For a tool's own verbs: its schema and settings, dying on failure. */
const struct fwconf_schema *kv_schema(void);
void	 kv_open(struct fwconf_settings *);
const char *kv_get(const struct fwconf_settings *, const char *key);
/* The settings as render sees them: every value valid, every rule kept. */
void	 kv_open_checked(struct fwconf_settings *);
/* Print the tool's render of file NAME, as its render verb does; 0. */
int	 kv_render(const char *name);

#endif
