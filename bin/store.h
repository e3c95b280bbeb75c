/*
 * store.h: the content-addressed store of fw-apply, ROOT/var/lib/mpfw/
 * objects/, one file per distinct content, named by its SHA-256, mode
 * 0600 (store.c tells how versions of large ones are kept).  Generations and transactions name contents by hash, so a
 * file that did not change between fifty generations is stored once.
 */
#ifndef STORE_H
#define STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "fwconf.h"

#define HASH_LEN 64		/* hex digits of a SHA-256 */

typedef char hash_t[HASH_LEN + 1];

void	 hash_buf(const char *buf, size_t len, hash_t out);
int	 store_path(char *buf, size_t size, const hash_t);
/* Keep buf; its hash in out. */
int	 store_put(const char *buf, size_t len, hash_t out, struct fwconf_err *);
/* Keep buf, a new version of what prev was: prev may become a delta. */
int	 store_put_over(const char *buf, size_t len, const char *prev,
	    hash_t out, struct fwconf_err *);
/* Keep the file at path: 0 and its hash, 1 when there is no such file. */
int	 store_put_file(const char *path, hash_t out, struct fwconf_err *);
/* The content of an object, malloc'd. */
int	 store_get(const hash_t, char **buf, size_t *len, struct fwconf_err *);
bool	 store_has(const hash_t);
/* Remove every object not in live (sorted, n hashes). */
void	 store_gc(char *const *live, size_t n);

#endif
