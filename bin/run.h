/* run.h: running a unit's commands for fw-apply. */
#ifndef RUN_H
#define RUN_H

#include <sys/types.h>

#include "fwconf.h"

/* What %f, %t and %d stand for; NULL where a command has none. */
struct run_paths {
	const char *candidate;	/* %f */
	const char *target;	/* %t */
	const char *stage;	/* %d */
};

void	 run_setup(void);
int	 run_command(const char *cmd, const struct run_paths *,
	    const char *stdout_path, mode_t, char **output,
	    struct fwconf_err *);

#endif
