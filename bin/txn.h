/*
 * txn.h: the transaction record of fw-apply, ROOT/var/lib/mpfw/txn, a
 * table written and fsync'd before the first file is installed:
 *
 *	gen              the generation the transaction makes, 0 for one
 *	                 that only writes settings (revert, import)
 *	how              apply, full apply, rollback to N, ...
 *	state            applying | undo failed
 *	file:TARGET      unit=U before=HASH|none after=HASH|none mode=M
 *	                 gid=G was=MODE:UID:GID (the file before, to restore)
 *	unit:NAME        the action it takes: reload, restart, start, stop,
 *	                 defer or none
 *
 * TARGET is a path under the root (a daemon's file, or a settings file
 * under /etc/mpfw with unit "-").  Every content it names is in the store.
 * Whatever kills the apply, the next fw-apply, `status` or `boot` finds
 * the record and, unless the generation it makes was committed, puts
 * every file back as it was before and tells each unit again, so that
 * every daemon was told about the file it has.
 */
#ifndef TXN_H
#define TXN_H

#include <stdbool.h>
#include <sys/types.h>

#include "fwconf.h"
#include "store.h"

struct txn_file {
	const char *target;
	const char *unit;
	hash_t	 before, after;	/* "" for none: the file did not exist */
	mode_t	 mode;		/* the new file's */
	gid_t	 gid;		/* the new file's group, or -1 */
	mode_t	 was_mode;	/* the old file's, and its owner */
	uid_t	 was_uid;
	gid_t	 was_gid;
};

struct txn {
	struct fwconf_table t;
};

int	 txn_new(struct txn *, long gen, const char *how,
	    struct fwconf_err *);
void	 txn_set_gen(struct txn *, long gen);
int	 txn_read(struct txn *, struct fwconf_err *);	/* 1: none */
void	 txn_free(struct txn *);
void	 txn_add_file(struct txn *, const struct txn_file *);
void	 txn_add_unit(struct txn *, const char *unit, const char *action);
int	 txn_write(struct txn *, const char *state, struct fwconf_err *);
int	 txn_remove(struct fwconf_err *);
long	 txn_gen(const struct txn *);
const char *txn_state(const struct txn *);
const char *txn_how(const struct txn *);
/* The i-th file or unit of the record; false past the last. */
bool	 txn_file_at(const struct txn *, size_t *i, struct txn_file *);
bool	 txn_unit_at(const struct txn *, size_t *i, const char **unit,
	    const char **action);
/* Put one file back as it was before; -1 says why. */
int	 txn_restore(const struct txn_file *, struct fwconf_err *);
/* Write one file's new content. */
int	 txn_install(const struct txn_file *, struct fwconf_err *);

#endif
