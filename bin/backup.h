/*
 * backup.h: fw-apply export and import: every settings file and table of
 * every tool as one text stream, the appliance's backup and the way to
 * copy one firewall's settings to another.
 *
 *	# mpfw export VERSION TIME
 *	%settings NAME       the file ROOT/etc/mpfw/NAME follows, verbatim
 *	%absent NAME         the file does not exist: every key its default
 *	%secrets NAME        (export -s only) ROOT/etc/mpfw/secrets/NAME
 *	%end                 the stream is whole
 *
 * No line of a settings file or table can start with '%'.
 */
#ifndef BACKUP_H
#define BACKUP_H

#include <stdbool.h>
#include <stdio.h>

#include "fwconf.h"

int	 export_settings(const struct fwconf_units *, FILE *, bool secrets,
	    char *const *only, size_t nonly);
int	 import_settings(const struct fwconf_units *, const char *src,
	    bool force);

#endif
