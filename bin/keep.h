/*
 * keep.h: no verb drops saved-but-unapplied settings without saying so.
 * A verb that would (rollback, revert, import, the rollback of an
 * unconfirmed apply) refuses, naming them, unless forced; forced, it
 * keeps them as an export stream in ROOT/var/lib/mpfw/dropped/, which
 * `fw-apply import` brings back.
 */
#ifndef KEEP_H
#define KEEP_H

#include <stdbool.h>

#include "apply.h"

/*
 * names: the settings files the verb would replace (NULL entries are
 * skipped).  0 to go on, 1 refused (said).  *kept, when not NULL, gets
 * how many changes were kept.
 */
int	 keep_unapplied(const struct fwconf_units *, const struct gen *,
	    char **names, size_t n, bool force, const char *verb);
/* The same for what an unconfirmed apply changed since g: kept, always. */
int	 keep_since(const struct fwconf_units *, const struct gen *g,
	    char **names, size_t n);
/* The last keep's line: "dropped N unapplied changes, kept in PATH". */
const char *keep_said(void);

#endif
