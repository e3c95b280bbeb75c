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

/* A command started and not yet waited for. */
struct run {
	pid_t	 pid;
	int	 cap;		/* what it prints (stderr, and stdout) */
	int	 out;		/* its stdout file, or -1 */
	int	 pidfd;
	double	 start;
	const char *stdout_path;
};

void	 run_setup(void);
int	 run_start(struct run *, const char *cmd, const struct run_paths *,
	    const char *stdout_path, mode_t, struct fwconf_err *);
int	 run_finish(struct run *, char **output, struct fwconf_err *);
int	 run_command(const char *cmd, const struct run_paths *,
	    const char *stdout_path, mode_t, char **output,
	    struct fwconf_err *);
long	 run_parallel(void);

#endif
