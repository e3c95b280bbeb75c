/*
 * detect.h: kernel module names, and the modules sensors-detect(8)
 * proposes, read from what it prints (fw-sensors detect).
 */
#ifndef DETECT_H
#define DETECT_H

#include <stdbool.h>
#include <stddef.h>

#include "fwconf.h"

/* The longest module name the kernel takes (MODULE_NAME_LEN - 1 - 8). */
#define MODULE_NAME_MAX 55

/* a-z, 0-9, '_' and '-' (not first), 1 to MODULE_NAME_MAX of them. */
bool	 module_name_ok(const char *);
/* '-' as '_', as the kernel names a module (lsmod, /sys/module). */
void	 module_name_norm(char *);
/* A name for the table, malloc'd and normalised; NULL, with why, if bad. */
char	*module_name(const char *, struct fwconf_err *);

enum detect_from {
	DETECT_BLOCK,		/* the module list to add to /etc/modules */
	DETECT_SUMMARY,		/* the summary's drivers (no module list) */
	DETECT_NONE		/* it said that no module is needed */
};

struct detect {
	char	**modules;	/* normalised, in the order given, once each */
	size_t	 n;
	enum detect_from from;
};

/* -1 with why when the text is not sensors-detect's output. */
int	 detect_parse(const char *text, size_t len, struct detect *,
	    struct fwconf_err *);
void	 detect_free(struct detect *);

#endif
