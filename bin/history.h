/*
 * history.h: what fw-apply tells of the generations and of what is saved
 * but not applied: log, diff -g, show -g, changes.
 */
#ifndef HISTORY_H
#define HISTORY_H

#include <stdbool.h>
#include <stdio.h>

#include "apply.h"

/* The key-level differences between g's settings and the saved ones:
 * printed (when out is not NULL) as file TAB key TAB applied TAB saved;
 * how many. */
size_t	 changes(const struct fwconf_units *, const struct gen *, FILE *out);
/* The settings files whose saved content differs from g's. */
char	**changed_files(const struct fwconf_units *, const struct gen *,
	    size_t *n);
int	 history_log(long count, bool verbose);
int	 history_diff(struct apply *, long gen, int argc, char *argv[]);
int	 history_show(const struct fwconf_units *, long gen, const char *file);
/* A settings file's content in g (malloc'd), or NULL when it had none. */
char	*gen_settings(const struct gen *, const char *name, size_t *len);

#endif
