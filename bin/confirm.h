/*
 * confirm.h: fw-apply -c, confirm-or-rollback.  The countdown is the file
 * ROOT/var/lib/mpfw/confirm (lib/confirm.c reads it for every tool); a
 * detached watcher rolls the apply back at the deadline, and any mpfw
 * command that finds the deadline passed does it first if the watcher is
 * gone.  After an automatic rollback, ROOT/var/lib/mpfw/unconfirmed says
 * so until the next apply.
 */
#ifndef CONFIRM_H
#define CONFIRM_H

#include <sys/types.h>

#include "fwconf.h"

const char *boot_id(void);
int	 confirm_write(long secs, long gen, pid_t watcher, struct fwconf_err *);
int	 confirm_set_watcher(pid_t, struct fwconf_err *);
void	 confirm_remove(void);
pid_t	 confirm_spawn_watcher(long gen);
int	 unconfirmed_note(long gen, bool rolled_back, const char *kept,
	    struct fwconf_err *);
void	 unconfirmed_clear(void);
/* The line of the last automatic rollback, or NULL (malloc'd). */
char	*unconfirmed_read(void);

#endif
