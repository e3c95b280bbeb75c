/*
 * verb.h: a tool's verbs, declared once in a table, from which come the
 * dispatch, the usage, the handling of `--` and of options given after
 * the verb, the "did you mean" of a mistyped verb, and the verb list the
 * shell completion is generated from (`TOOL --verbs`).
 */
#ifndef VERB_H
#define VERB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Flags of a verb. */
#define VERB_OPTIONS	0x1	/* parses options of its own (getopt) */
#define VERB_HIDDEN	0x2	/* internal: not in the usage */

struct verb {
	const char *name;
	/* argv[0] is the program's name, argv[1..] the operands. */
	int	(*run)(int argc, char *argv[]);
	const char *args;	/* the operands as the usage shows them */
	int	 min, max;	/* how many operands; max -1: no limit */
	unsigned int flags;
};

/*
 * Dispatch argv[0] (the verb) with its operands; lead is what the usage
 * shows before the verb ("[-R root]").  Exits 2 on a usage error.
 */
int	 verb_dispatch(const struct verb *, const char *lead, int argc,
	    char *argv[]);
const struct verb *verb_find(const struct verb *, const char *name);
void	 verb_usage(FILE *, const struct verb *, const char *lead,
	    const char *const *extra);
void	 verb_list(const struct verb *);
/* -h, --help, --version and --verbs as the first argument. */
void	 verb_common(int argc, char *argv[], void (*usage_out)(FILE *),
	    const struct verb *);
/*
 * getopt for a verb with options of its own: an unknown option says
 * which verb it was given to; returns '?' then, and the caller's usage
 * follows.
 */
int	 verb_getopt(int argc, char *argv[], const char *opts,
	    const char *verb);
/* The candidate nearest to word, or NULL when none is near enough. */
const char *nearest(const char *word, const char *const *cands, size_t n);
/* A word of argv made safe to show: control bytes as '?', cut short. */
const char *shown(const char *word);

#endif
