/*
 * state.h: what fw-apply keeps in ROOT/var/lib/mpfw.  Each successful
 * apply is a generation, gen.N, and `current` links to the last one:
 *
 *	gen.N/settings/NAME, settings/secrets/NAME   the inputs as applied
 *	gen.N/stamps     unit TAB "def=H version=V enabled=B in.NAME=H ..."
 *	gen.N/deferred   unit TAB "restart": waiting for a full apply
 *	gen.N/manifest   target TAB "unit replaced|new": what N installed
 *	gen.N/backup/... each replaced target as it was before N
 *	gen.N/parent     the generation before, for rollback
 *
 * A generation is built in a temporary directory, renamed into place and
 * then `current` is switched by renaming a new symlink over it, so a crash
 * leaves the old state or the new one.
 */
#ifndef STATE_H
#define STATE_H

#include <limits.h>

#include "fwconf.h"

struct gen {
	long	 n;		/* 0: nothing applied yet */
	long	 parent;	/* 0: none kept */
	char	 dir[PATH_MAX];
	struct fwconf_table stamps, deferred, manifest;
};

int	 state_dir(char *buf, size_t size, const char *rel);
void	 state_sweep(void);
int	 state_current(struct gen *, struct fwconf_err *);
int	 state_load(struct gen *, long n, struct fwconf_err *);
void	 state_free(struct gen *);
int	 state_begin(struct gen *next, const struct gen *cur,
	    struct fwconf_err *);
int	 state_backup(struct gen *, const char *target, const char *unit,
	    struct fwconf_err *);
int	 state_snapshot(struct gen *, const char *input, struct fwconf_err *);
int	 state_commit(struct gen *, struct fwconf_err *);
void	 state_abandon(struct gen *);
int	 state_restore_file(const struct gen *, const char *target,
	    struct fwconf_err *);
int	 state_restore_settings(const struct gen *from, char *const *inputs,
	    size_t n, struct fwconf_err *);
int	 state_switch(const struct gen *to, const struct gen *from,
	    struct fwconf_err *);
int	 copy_file(const char *from, const char *to, mode_t, bool keep_mode,
	    struct fwconf_err *);
void	 rm_tree(const char *dir);

#endif
