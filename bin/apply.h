/*
 * apply.h: the engine of fw-apply.  An apply renders the files of the
 * pending units, checks them with the daemons' own parsers, writes a
 * transaction record (txn.h), installs the files, tells each daemon as its
 * unit says, and commits a new generation (state.h).  fw-apply.c holds
 * the verbs; this file what they share.
 */
#ifndef APPLY_H
#define APPLY_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "fwconf.h"
#include "state.h"
#include "txn.h"

enum action { ACT_NONE, ACT_RELOAD, ACT_RESTART, ACT_DEFER, ACT_START,
	ACT_STOP };

extern const char *const action_names[];

/* One unit in this apply. */
struct job {
	const struct fwconf_unit *u;
	char	*stamp;		/* what its stamp will be */
	bool	 enabled, was_enabled;
	char	 dir[PATH_MAX];		/* %d: candidates at target paths */
	char	**cand;			/* per file: the candidate, or NULL */
	bool	*changed;		/* per file: differs from installed */
	size_t	 nchanged;
	enum action action;
	enum { NOT_RUN, RAN, FAILED, HUNG } outcome;	/* of its action */
	gid_t	 gid;			/* of its installed files, or -1 */
};

struct apply {
	struct fwconf_units units;
	struct gen cur, next;
	struct job *jobs;
	size_t	 njobs;
	char	 stage[PATH_MAX];
	int	 stage_lock;
	bool	 full, dry, verbose;
	bool	 quiet_daemons;		/* at boot: files only, no command */
	long	 confirm_secs;
	const char *comment;
	char	 how[64];
	struct txn txn;
	bool	 txn_open;
};

/* Running as the -c watcher: failures go to syslog, not a terminal. */
extern bool watcher;

void	 say_error(const struct fwconf_err *);
void	 apply_load(struct apply *);
void	 apply_release(struct apply *);
char	**all_inputs(const struct fwconf_units *, size_t *n);
char	*make_stamp(const struct fwconf_unit *, bool enabled);
bool	 unit_enabled(const struct fwconf_unit *);
char	*pending_reason(const char *old, const char *new);
const char *stored_stamp(const struct gen *, const char *unit);
bool	 stamp_enabled(const struct gen *, const struct fwconf_unit *,
	    bool dflt);
void	 make_stage(struct apply *);
void	 drop_stage(struct apply *);
void	 sweep_stages(void);
bool	 render_job(struct apply *, struct job *);
bool	 render_jobs(struct apply *, struct job **, size_t n);
struct job *add_job(struct apply *, const struct fwconf_unit *);
void	 select_jobs(struct apply *, int argc, char *argv[], bool every);
int	 run_apply(struct apply *);
int	 recover(bool quiet);
/* How much a failed action says: all, one line, nothing. */
enum say { SAY_ALL, SAY_LINE, SAY_NOTHING };
const char *action_command(const struct fwconf_unit *, enum action);
int	 run_action(const struct fwconf_unit *, enum action, enum say);
void	 installed_path(char *buf, size_t size, const char *target);
void	 show_output(const char *);
void	 show_diff(const char *installed, const char *cand, const char *label,
	    bool secret);
size_t	 diff_job(const struct job *);

#endif
