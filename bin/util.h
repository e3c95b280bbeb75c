/* util.h: what every tool shares: die-on-error wrappers and stdout care. */
#ifndef UTIL_H
#define UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "fwconf.h"

#ifndef __dead
#define __dead __attribute__((__noreturn__))
#endif

void	*xmalloc(size_t);
void	*xreallocarray(void *, size_t, size_t);
void	*xgrow(void *, size_t n, size_t *cap, size_t size);
char	*xstrdup(const char *);
void	 die(const struct fwconf_err *) __dead;
void	 fshut(FILE *, const char *);
char	*read_stream(FILE *, const char *name, size_t *len);
void	 use_root(const char *dir);
int	 root_option(int argc, char *argv[], void (*usage)(void));
void	 pathf(char *buf, size_t size, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	 lock_for_writing(void);
void	 sibling(char *buf, size_t size, const char *tool);
void	 settle_countdown(void);
int	 lock_through_countdown(void);

long	 env_number(const char *name, long min, long max, long dflt,
	    const char *what);
int	 str_cmp(const void *, const void *);

struct stat;
/* The identity of a file, as the caches key on it; FILE_ID_MAX bytes. */
#define FILE_ID_MAX 128
void	 file_identity(const struct stat *, char *buf, size_t size);
bool	 changed_lately(const struct stat *, time_t now);

#endif
