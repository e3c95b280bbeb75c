/* run.h: running a unit's commands for fw-apply. */
#ifndef RUN_H
#define RUN_H

#include <sys/types.h>

#include <stdbool.h>

#include "fwconf.h"

/* What %f, %t and %d stand for; NULL where a command has none. */
struct run_paths {
	const char *candidate;	/* %f */
	const char *target;	/* %t */
	const char *stage;	/* %d */
};

/* A command started and not yet waited for. */
struct run {
	pid_t	 pid;		/* -1: never started */
	int	 spawn_status;	/* not started: 127 or 126, as sh says */
	int	 cap;		/* what it prints (stderr, and stdout) */
	int	 out;		/* its stdout file, or -1 */
	int	 pidfd;
	double	 start;
	const char *stdout_path;
};

/*
 * A command of a pool (run_pool): what to run, and, once it ran, how it
 * ended.  status is its exit status, or -1 with err saying why it could
 * not run, died or timed out; output is what it printed ("" if nothing),
 * NULL for a task never started.
 */
struct run_task {
	const char *cmd;
	struct run_paths paths;
	const char *stdout_path;	/* its stdout, or NULL: captured */
	mode_t	 mode;			/* of stdout_path when it is made */
	int	 status;
	char	*output;
	struct fwconf_err err;
	struct run r;			/* run_pool's own */
	int	 state;			/* run_pool's own */
};

void	 run_setup(void);
bool	 run_pool(struct run_task *, size_t n, bool stop_at_failure);
int	 run_start(struct run *, const char *cmd, const struct run_paths *,
	    const char *stdout_path, mode_t, struct fwconf_err *);
int	 run_finish(struct run *, char **output, struct fwconf_err *);
int	 run_command(const char *cmd, const struct run_paths *,
	    const char *stdout_path, mode_t, char **output,
	    struct fwconf_err *);
long	 run_parallel(void);

#endif
