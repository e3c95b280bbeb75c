/* unitcache.h: the unit catalogue, parsed once and cached (unitcache.c). */
#ifndef UNITCACHE_H
#define UNITCACHE_H

#include "fwconf.h"

int	 units_load(struct fwconf_units *, struct fwconf_err *);

#endif
