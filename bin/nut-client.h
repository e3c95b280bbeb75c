/*
 * nut-client.h: the little of NUT's network protocol that fw-ups needs
 * (the NUT developer guide, "Network protocol information"): plain lines
 * over TCP, `LIST VAR ups` answered by `BEGIN LIST VAR ups`, one
 * `VAR ups name "value"` a variable, `END LIST VAR ups`, or `ERR WHY`.
 * Reading variables needs no login, so no password is ever sent.
 */
#ifndef NUT_CLIENT_H
#define NUT_CLIENT_H

#include <stddef.h>

#include "fwconf.h"

/* UPS@HOST[:PORT]; HOST is an IPv4 address, [IPv6] or a host name. */
struct nut_target {
	char	ups[64];
	char	host[256];
	char	port[8];
};

struct nut_var {
	char	*name, *value;
};

struct nut_vars {
	struct nut_var *v;
	size_t	 n;
};

/* 0, or -1 with why set to a static reason. */
int	 nut_target_parse(const char *spec, struct nut_target *,
	    const char **why);
/* Every variable of the UPS; fails with FWCONF_SYSTEM when not answered. */
int	 nut_list_vars(const struct nut_target *, int timeout_secs,
	    struct nut_vars *, struct fwconf_err *);
const char *nut_var(const struct nut_vars *, const char *name);
void	 nut_vars_free(struct nut_vars *);
/* Split a protocol line into words, "quoted" with \ escapes; in place. */
size_t	 nut_split(char *line, char **words, size_t max);

#endif
