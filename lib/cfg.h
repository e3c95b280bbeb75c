/*
 * cfg.h: libconfuse as the schema and unit loaders use it.  Private to
 * the library: the tools' fwconf.h does not need confuse.h.
 */
#ifndef FWCONF_CFG_H
#define FWCONF_CFG_H

#include <confuse.h>

#include "fwconf.h"

int	 fwconf_cfg_parse(cfg_t *, const char *text, const char *origin,
	    struct fwconf_err *);
int	 fwconf_cfg_read(const char *path, char **text, struct fwconf_err *);
char	*fwconf_cfg_dup(cfg_t *, const char *opt);

#endif
