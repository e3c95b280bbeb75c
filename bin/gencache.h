/*
 * gencache.h: what each kept generation names in the store, cached for
 * the prune (gencache.c).
 */
#ifndef GENCACHE_H
#define GENCACHE_H

#include <stdbool.h>
#include <stddef.h>

struct gencache {
	struct gc_line *v;
	size_t	 n, cap;
	bool	 damaged;
};

void	 gencache_load(struct gencache *);
const char *gencache_get(struct gencache *, long n, const char *id);
void	 gencache_put(struct gencache *, long n, const char *id,
	    char *const *hashes, size_t nhashes);
void	 gencache_save(struct gencache *);
void	 gencache_free(struct gencache *);

#endif
