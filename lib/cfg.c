/*
 * cfg.c: libconfuse for the schema and unit loaders.  libconfuse reports
 * through a callback that knows the line but not our file's name (it
 * calls a buffer "[buf]"), so the first message is kept here with the
 * file named.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

static struct fwconf_err *target;
static const char *target_origin;

static void
keep_first(cfg_t *cfg, const char *fmt, va_list ap)
{
	char msg[512];

	if (target == NULL || target->msg[0] != '\0')
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	fwconf_fail(target, FWCONF_SYSTEM, "%s:%d: %s", target_origin,
	    cfg->line, msg);
}

/* Parse text into cfg; -1, with the file and line named, on an error. */
int
fwconf_cfg_parse(cfg_t *cfg, const char *text, const char *origin,
    struct fwconf_err *e)
{
	int r;

	e->msg[0] = '\0';
	target = e;
	target_origin = origin;
	cfg_set_error_function(cfg, keep_first);
	r = cfg_parse_buf(cfg, text);
	target = NULL;
	if (r == CFG_SUCCESS)
		return 0;
	if (e->msg[0] == '\0')
		fwconf_fail(e, FWCONF_SYSTEM, "%s: syntax error", origin);
	return -1;
}

/* A file for fwconf_cfg_parse: 1 when it does not exist. */
int
fwconf_cfg_read(const char *path, char **text, struct fwconf_err *e)
{
	size_t len;
	int r;

	if ((r = fwconf_read_all(path, text, &len, NULL, e)) != 0)
		return r;
	if (memchr(*text, '\0', len) != NULL) {
		free(*text);
		*text = NULL;
		return fwconf_fail(e, FWCONF_SYSTEM, "%s: NUL byte", path);
	}
	return 0;
}

char *
fwconf_cfg_dup(cfg_t *sec, const char *opt)
{
	const char *s = cfg_getstr(sec, opt);

	return s != NULL ? strdup(s) : NULL;
}
