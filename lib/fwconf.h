/*
 * libfwconf: settings files, schemas, secrets, locking and auditing for the
 * mpfw tools.  Grouped by source file.  The library never prints and never
 * exits: a function that fails returns -1 and fills a struct fwconf_err,
 * whose status is the exit status the calling tool should use.
 */
#ifndef FWCONF_H
#define FWCONF_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Exit statuses, the same for every tool (DESIGN.md). */
#define FWCONF_OK	0
#define FWCONF_REFUSED	1	/* invalid value, unknown key, broken rule */
#define FWCONF_USAGE	2
#define FWCONF_SYSTEM	3	/* I/O, lock timeout, daemon refused */

struct fwconf_err {
	int	status;		/* FWCONF_REFUSED or FWCONF_SYSTEM */
	char	msg[1024];	/* "what: why", without the program name */
};

/* err.c */
int	 fwconf_fail(struct fwconf_err *, int status, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	 fwconf_fail_errno(struct fwconf_err *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* root.c: where things live.  Paths are ROOT + an absolute path. */
void	 fwconf_set_root(const char *);	/* -R; overrides FW_ROOT */
const char *fwconf_root(void);		/* "" for "/" */
const char *fwconf_datadir(void);	/* FW_DATADIR or the built-in one */
int	 fwconf_path(char *buf, size_t size, const char *abspath);
int	 fwconf_settings_path(char *buf, size_t size, const char *name);
int	 fwconf_mkdirs(const char *dir, mode_t, struct fwconf_err *);
int	 fwconf_mkdirs_parent(const char *path, struct fwconf_err *);

/*
 * path.c: file operations on host paths (ROOT + an absolute path) that
 * never leave the root: openat2 RESOLVE_IN_ROOT; a last component that is
 * written, renamed or removed is never followed.  -1 and errno.
 */
int	 fwconf_open(const char *path, int flags, mode_t mode);
int	 fwconf_open_parent(const char *path, const char **base);
int	 fwconf_lstat(const char *path, struct stat *);
int	 fwconf_unlink(const char *path);
int	 fwconf_rename(const char *from, const char *to);
int	 fwconf_symlink(const char *target, const char *path);
ssize_t	 fwconf_readlink(const char *path, char *buf, size_t size);
int	 fwconf_mkdir(const char *path, mode_t);	/* 1: was there */
int	 fwconf_rm_tree(const char *path);
DIR	*fwconf_opendir(const char *path);

/* value.c: the value syntax of fwconf(5) */
bool	 fwconf_value_ok(const char *, struct fwconf_err *, const char *key);
bool	 fwconf_is_bare(const char *);
char	*fwconf_quote(const char *);		/* malloc'd; NULL on ENOMEM */
int	 fwconf_unquote(const char *in, char **out, const char **why);

/* schema types; a schema is loaded by schema.c or compiled in (schemas.c) */
enum fwconf_type {
	FWCONF_BOOL, FWCONF_INT, FWCONF_PORT, FWCONF_PORTLIST, FWCONF_ENUM,
	FWCONF_IPV4, FWCONF_IPV6, FWCONF_IP, FWCONF_CIDR, FWCONF_CIDRLIST,
	FWCONF_HOSTNAME, FWCONF_FQDN, FWCONF_EMAIL, FWCONF_URL,
	FWCONF_STRING, FWCONF_SECRET,
	FWCONF_HOST,		/* an address, or a domain name */
	FWCONF_HOSTLIST		/* host names and addresses */
};

struct fwconf_key {
	const char	*name;
	enum fwconf_type type;
	const char	*def;		/* default, normalised; "" for empty */
	long long	 min, max;	/* int range; string: max length */
	const char	*values;	/* enum: allowed values, space-separated */
	const char	*reserved;	/* port: refused values, space-separated */
	const char	*units;		/* units it feeds, space-separated */
	const char	*label;		/* the German menu label */
	const char	*help;		/* English help */
	const char	*warn_value;	/* setting this value prints warning */
	const char	*warning;
	bool		 empty_ok;
	bool		 advanced;
	bool		 listen;	/* port: a service listens on it */
	bool		 local;		/* email: root@localhost is taken */
};

enum fwconf_rule_kind {
	FWCONF_RULE_LESS,	/* int a must be below int b */
	FWCONF_RULE_REQUIRES,	/* bool a = yes needs bool b = yes */
	FWCONF_RULE_DIFFER,	/* a and b, of one type, must differ */
	FWCONF_RULE_NONEMPTY	/* bool a = yes needs b not empty */
};

struct fwconf_rule {
	enum fwconf_rule_kind kind;
	const char	*a, *b;
};

struct fwconf_schema {
	const char	*name;		/* settings file: etc/mpfw/NAME */
	const struct fwconf_key *keys;
	size_t		 nkeys;
	const struct fwconf_rule *rules;
	size_t		 nrules;
};

/* schema.c: read DATADIR/schema/NAME.conf with libconfuse */
struct fwconf_schema *fwconf_schema_load(const char *path, struct fwconf_err *);
struct fwconf_schema *fwconf_schema_parse(const char *text, const char *name,
	    struct fwconf_err *);
void	 fwconf_schema_free(struct fwconf_schema *);

/* types.c */
const char *fwconf_type_name(enum fwconf_type);
int	 fwconf_type_from_name(const char *, enum fwconf_type *);

/* schemas.c (generated at build time from share/mpfw/schema/) */
const struct fwconf_schema *fwconf_schema_builtin(const char *name);
const struct fwconf_schema *fwconf_schema_builtin_all(size_t *n);

/* lookup.c */
const struct fwconf_key *fwconf_key_find(const struct fwconf_schema *,
	    const char *name);

/* validate.c: check one value against its key, normalise it */
char	*fwconf_validate(const struct fwconf_key *, const char *value,
	    struct fwconf_err *);		/* malloc'd normal form */
bool	 fwconf_list_has(const char *list, const char *word);

/* file.c: a settings file, lines kept as they were */
struct fwconf_line {
	char	*text;		/* the line as read, without newline */
	char	*key;		/* NULL for a comment, blank or removed line */
	char	*value;		/* unquoted */
};

struct fwconf_file {
	char	*path;
	struct fwconf_line *lines;
	size_t	 nlines, cap;
	bool	 exists;
	mode_t	 mode;
	uid_t	 uid;
	gid_t	 gid;
	bool	 changed;
};

int	 fwconf_file_read(struct fwconf_file *, const char *path,
	    struct fwconf_err *);
int	 fwconf_file_parse(struct fwconf_file *, const char *buf, size_t len,
	    struct fwconf_err *);
void	 fwconf_file_free(struct fwconf_file *);
const char *fwconf_file_get(const struct fwconf_file *, const char *key);
int	 fwconf_file_set(struct fwconf_file *, const char *key,
	    const char *value);
void	 fwconf_file_unset(struct fwconf_file *, const char *key);
char	*fwconf_file_text(const struct fwconf_file *, size_t *len);
int	 fwconf_file_write(struct fwconf_file *, mode_t newmode,
	    struct fwconf_err *);

/* atomic.c: replace a file whole or not at all */
int	 fwconf_write_atomic(const char *path, const char *buf, size_t len,
	    mode_t mode, uid_t uid, gid_t gid, struct fwconf_err *);
/* The same, written as a stream: open, write pieces, close (or abort). */
struct fwconf_out {
	const char *path, *base;
	int	 dir, fd;
	int	 err;		/* the first write error, 0 */
	bool	 dirsync_later;	/* the caller fsyncs the directory, once
				 * for several files */
	char	 tmp[256];
	size_t	 n;
	char	 buf[65536];
};
int	 fwconf_out_open(struct fwconf_out *, const char *path, mode_t,
	    uid_t, gid_t, struct fwconf_err *);
void	 fwconf_out_write(struct fwconf_out *, const void *, size_t);
int	 fwconf_out_close(struct fwconf_out *, struct fwconf_err *);
void	 fwconf_out_abort(struct fwconf_out *);
int	 fwconf_read_all(const char *path, char **buf, size_t *len, struct stat *,
	    struct fwconf_err *);

/* lock.c: the one writer lock, ROOT/etc/mpfw/.lock */
int	 fwconf_lock(struct fwconf_err *);	/* an fd, or -1 */
void	 fwconf_unlock(int fd);

/* settings.c: a settings file seen through its schema */
struct fwconf_change {
	char	*key, *old, *new;	/* old/new NULL: unset */
	bool	 secret;
};

struct fwconf_settings {
	const struct fwconf_schema *schema;
	struct fwconf_file file;
	struct fwconf_file secrets;	/* after fwconf_secrets_load */
	bool	 secrets_loaded;
	char	**values;	/* per key: effective value, normalised */
	char	**invalid;	/* per key: why the file's value is bad, or NULL */
	struct fwconf_change *changes;
	size_t	 nchanges;
};

int	 fwconf_settings_open(struct fwconf_settings *,
	    const struct fwconf_schema *, struct fwconf_err *);
void	 fwconf_settings_close(struct fwconf_settings *);
const char *fwconf_settings_get(const struct fwconf_settings *,
	    const struct fwconf_key *);
const char *fwconf_settings_invalid(const struct fwconf_settings *,
	    const struct fwconf_key *);
int	 fwconf_settings_set(struct fwconf_settings *, const struct fwconf_key *,
	    const char *normalised, struct fwconf_err *);
int	 fwconf_settings_reset(struct fwconf_settings *,
	    const struct fwconf_key *, struct fwconf_err *);
bool	 fwconf_settings_changed(const struct fwconf_settings *,
	    const char *key);
int	 fwconf_settings_check_rules(const struct fwconf_settings *,
	    bool only_changed, struct fwconf_err *);
int	 fwconf_settings_check_all(const struct fwconf_settings *,
	    struct fwconf_err *);
int	 fwconf_settings_write(struct fwconf_settings *, struct fwconf_err *);
int	 fwconf_settings_note(struct fwconf_settings *, const char *key,
	    const char *old, const char *new, bool secret);

/* ports.c: no two services of any tool listen on one port */
int	 fwconf_ports_check(const struct fwconf_settings *, bool all,
	    struct fwconf_err *);

/* secret.c: secrets live apart, in ROOT/etc/mpfw/secrets/NAME, 0600 */
int	 fwconf_secrets_path(char *buf, size_t size, const char *name);
int	 fwconf_secrets_load(struct fwconf_settings *, struct fwconf_err *);
bool	 fwconf_secret_isset(const struct fwconf_settings *,
	    const struct fwconf_key *);
const char *fwconf_secret_get(const struct fwconf_settings *,
	    const struct fwconf_key *);
int	 fwconf_secret_set(struct fwconf_settings *, const struct fwconf_key *,
	    const char *value, struct fwconf_err *);	/* NULL: unset */
int	 fwconf_secrets_write(struct fwconf_settings *, struct fwconf_err *);

/* audit.c: one syslog line per change */
void	 fwconf_audit(const char *file, const char *key, const char *old,
	    const char *new, bool secret);
const char *fwconf_user(void);

/*
 * table.c: a table file, one "name<TAB>value" record a line, sorted by
 * name in byte order; comment and blank lines go with the record below.
 */
struct fwconf_record {
	char	*name;
	char	*value;		/* "" for none */
	char	*text;		/* the line as read; NULL when it changed */
	char	*pre;		/* comment and blank lines above, or NULL */
	size_t	 lineno;	/* in the file as read; 0 when new */
	bool	 deleted;
};

struct fwconf_table {
	char	*path;
	struct fwconf_record *recs;
	size_t	 nrecs, cap;
	char	*trailer;	/* comment lines after the last record */
	bool	 exists, changed;
	mode_t	 mode;
	uid_t	 uid;
	gid_t	 gid;
};

int	 fwconf_table_read(struct fwconf_table *, const char *path,
	    struct fwconf_err *);
int	 fwconf_table_parse(struct fwconf_table *, const char *buf, size_t len,
	    struct fwconf_err *);
void	 fwconf_table_free(struct fwconf_table *);
ssize_t	 fwconf_table_find(const struct fwconf_table *, const char *name);
int	 fwconf_table_insert(struct fwconf_table *, const char *name,
	    const char *value);
int	 fwconf_table_update(struct fwconf_table *, size_t, const char *value);
void	 fwconf_table_delete(struct fwconf_table *, size_t);
/* Told of each change a merge makes: old NULL added, new NULL deleted. */
typedef void fwconf_table_note(void *arg, const char *name, const char *old,
	    const char *new);
int	 fwconf_table_merge(struct fwconf_table *, struct fwconf_record *in,
	    size_t nin, bool replace, fwconf_table_note *, void *arg);
char	*fwconf_table_text(const struct fwconf_table *, size_t *len);
int	 fwconf_table_write(struct fwconf_table *, struct fwconf_err *);

/*
 * table.c, in place: a table file mapped, its records found on demand and
 * never copied (fw-dns's table of a hundred thousand entries).  A file
 * truncated while mapped raises SIGBUS, which the caller may catch.
 */
struct fwconf_view {
	char	*path;
	const char *buf;	/* the file, or a sorted copy; NULL if empty */
	size_t	 len;
	struct stat st;		/* of the file as opened */
	bool	 exists;
	bool	 checked;	/* records known in order: checked or trusted */
	bool	 resorted;	/* the file was out of order: buf is a copy */
	bool	 plain;		/* no comment line, every record has a tab */
	size_t	 nrecs;		/* when checked */
	void	*map;
	size_t	 maplen;
	bool	 mapped;
	char	*copy;
};

/* A record of a view: pointers into its buffer, not NUL-terminated. */
struct fwconf_vrec {
	const char *name, *value;
	size_t	 nlen, vlen;
	size_t	 start;		/* offset of the comment lines above it */
	size_t	 line;		/* offset of its line */
	size_t	 end;		/* offset just past its line */
	size_t	 lineno;	/* during fwconf_view_check only */
};

/* Told of each record by a check; false refuses it. */
typedef bool fwconf_view_fn(void *arg, const struct fwconf_view *,
	    const struct fwconf_vrec *);

int	 fwconf_view_open(struct fwconf_view *, const char *path,
	    struct fwconf_err *);
void	 fwconf_view_close(struct fwconf_view *);
int	 fwconf_view_check(struct fwconf_view *, fwconf_view_fn *, void *arg,
	    struct fwconf_err *);		/* 1 good, 0 refused, -1 */
bool	 fwconf_view_next(const struct fwconf_view *, size_t *pos,
	    struct fwconf_vrec *);
int	 fwconf_view_find(const struct fwconf_view *, const char *name,
	    size_t nlen, struct fwconf_vrec *);	/* 1 found, 0 not */
bool	 fwconf_view_trusted(struct fwconf_view *, const char *rules);
void	 fwconf_view_trust(const struct fwconf_view *, const char *rules);
void	 fwconf_trust_written(const char *path, const char *rules,
	    size_t nrecs, bool plain, off_t size);

/*
 * units.c: the unit catalogue of fw-units(5), DATADIR/units.conf and
 * ROOT/etc/mpfw/units.d/\*.conf.  A unit is one service's rendered files and
 * what it takes to make them live.
 */
enum fwconf_soft { FWCONF_SOFT_RELOAD, FWCONF_SOFT_RESTART, FWCONF_SOFT_DEFER };

struct fwconf_unit_file {
	char	*name;
	char	*render;	/* command; its stdout is the file; NULL if hand */
	char	*target;	/* absolute, under ROOT */
	mode_t	 mode;
	bool	 hand;		/* written by hand: checked, never rendered */
};

struct fwconf_unit {
	char	*name;
	char	*origin;	/* the file that defined it */
	char	**inputs;	/* settings files it reads */
	size_t	 ninputs;
	struct fwconf_unit_file *files;
	size_t	 nfiles;
	char	*check, *reload, *restart, *start, *stop;	/* or NULL */
	enum fwconf_soft soft;
	char	*enable_file, *enable_key;	/* NULL: always on */
	char	*enable_values;	/* enum key: on for these, "a,b"; or NULL */
	char	*group;		/* the installed files' group, or NULL */
	bool	 secret;
	bool	 disabled;	/* taken out by a drop-in; never loaded */
	char	*definition;	/* canonical text of all the above */
};

struct fwconf_units {
	struct fwconf_unit *v;
	size_t	 n;
};

int	 fwconf_units_load(struct fwconf_units *, struct fwconf_err *);
int	 fwconf_units_sources(char ***paths, size_t *n, struct fwconf_err *);
int	 fwconf_units_parse(struct fwconf_units *, const char *text,
	    const char *origin, struct fwconf_err *);
void	 fwconf_units_free(struct fwconf_units *);
const struct fwconf_unit *fwconf_unit_find(const struct fwconf_units *,
	    const char *name);
const char *fwconf_soft_name(enum fwconf_soft);

/*
 * confirm.c: while an fw-apply -c countdown runs, every writer is refused.
 * The state is ROOT/var/lib/mpfw/confirm: "DEADLINE GENERATION PID", the
 * deadline in seconds since the epoch, PID the watcher's.
 */
struct fwconf_confirm {
	long long deadline;
	char	 generation[64];
	long	 watcher;	/* its pid, 0 if not started */
	char	 boot[40];	/* the boot it was made in, or "" */
};

int	 fwconf_confirm_read(struct fwconf_confirm *, struct fwconf_err *);
int	 fwconf_confirm_refuse(struct fwconf_err *);

#endif
