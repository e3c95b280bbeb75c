/*
 * state.h: what fw-apply keeps in ROOT/var/lib/mpfw (mode 0700).  Each
 * successful apply or rollback is a generation, gen.N, and `current`
 * links to the last one.  A generation is one file, a fwconf(5) table of
 * four parts, each name prefixed with its part:
 *
 *	record:   time, user, how, units (unit=action ...), comment,
 *	          confirm (none | pending | confirmed | not confirmed)
 *	tree:     settings/NAME TAB hash: each settings file applied, in
 *	          the store (store.h); files/TARGET TAB hash of each file
 *	          installed (not stored: rendered again from the settings),
 *	          "secret" for a secret unit's; secret/NAME/KEY TAB a salted
 *	          fingerprint (secrets are never kept)
 *	stamp:    unit TAB "def=H version=V enabled=B in.NAME=H ..."
 *	deferred: unit TAB "restart": waiting for a full apply
 *
 * A generation is written whole by an atomic rename, then `current` is
 * switched by renaming a new symlink over it, so a crash leaves the old
 * state or the new one.  FW_KEEP_GENERATIONS (50)
 * are kept; the store keeps what they, the transaction and the kept
 * dropped settings name.
 */
#ifndef STATE_H
#define STATE_H

#include <limits.h>
#include <stdbool.h>

#include "fwconf.h"
#include "store.h"

struct gen {
	long	 n;		/* 0: nothing applied yet */
	char	 path[PATH_MAX];	/* ROOT/var/lib/mpfw/gen.N */
	struct fwconf_table record, tree, stamps, deferred;
};

int	 state_dir(char *buf, size_t size, const char *rel);
int	 state_init(struct fwconf_err *);
int	 gen_current(struct gen *, struct fwconf_err *);
int	 gen_load(struct gen *, long n, struct fwconf_err *);
bool	 gen_exists(long n);
int	 gen_settle_current(long n, struct fwconf_err *);
void	 gen_free(struct gen *);
int	 gen_begin(struct gen *next, const struct gen *cur,
	    struct fwconf_err *);
int	 gen_commit(struct gen *, struct fwconf_err *);
void	 gen_abandon(struct gen *);
int	 gen_write_record(struct gen *, struct fwconf_err *);
int	 state_table_write(struct fwconf_table *, struct fwconf_err *);
void	 state_cache_write(const char *name, const char *buf, size_t len,
	    bool append);
void	 gen_prune(void);
long	 gen_keep(void);

const char *tab_get(const struct fwconf_table *, const char *name);
void	 tab_set(struct fwconf_table *, const char *name, const char *value);
void	 tab_unset(struct fwconf_table *, const char *name);

/* Settings files: snapshots into a generation and back. */
int	 snapshot_input(struct gen *, const char *input, struct fwconf_err *);
int	 settings_hash(const char *input, hash_t, bool *exists,
	    struct fwconf_err *);
void	 secret_hash(const char *input, const char *key, const char *value,
	    hash_t out);

#endif
