/* verb.c: dispatch of a tool's verbs from its table; see verb.h. */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwconf.h"
#include "verb.h"

#ifndef MPFW_VERSION
#define MPFW_VERSION "0"
#endif

const struct verb *
verb_find(const struct verb *v, const char *name)
{
	for (; v->name != NULL; v++)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

/* `extra` are usage lines of the tool's own, after "usage: TOOL ". */
void
verb_usage(FILE *fp, const struct verb *v, const char *lead,
    const char *const *extra)
{
	const char *p = getprogname(), *word = "usage:";

	for (; extra != NULL && *extra != NULL; extra++, word = "")
		fprintf(fp, "%-6s %s %s\n", word, p, *extra);
	for (; v->name != NULL; v++) {
		if (v->flags & VERB_HIDDEN)
			continue;
		fprintf(fp, "%-6s %s %s%s%s%s%s\n", word, p, lead, *lead ? " " :
		    "", v->name, *v->args ? " " : "", v->args);
		word = "";
	}
}

/* The verbs, one a line with their operands after a tab: for completion. */
void
verb_list(const struct verb *v)
{
	for (; v->name != NULL; v++)
		if (!(v->flags & VERB_HIDDEN))
			printf("%s\t%s\n", v->name, v->args);
}

void
verb_common(int argc, char *argv[], void (*usage_out)(FILE *),
    const struct verb *verbs)
{
	if (argc < 2)
		return;
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage_out(stdout);
		exit(fflush(stdout) == 0 ? 0 : FWCONF_SYSTEM);
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", getprogname(), MPFW_VERSION);
		exit(fflush(stdout) == 0 ? 0 : FWCONF_SYSTEM);
	}
	if (strcmp(argv[1], "--verbs") == 0 && verbs != NULL) {
		verb_list(verbs);
		exit(fflush(stdout) == 0 ? 0 : FWCONF_SYSTEM);
	}
}

/*
 * Optimal string alignment distance: edits, with a swap of two
 * neighbours counting as one ("stauts" is one from "status").
 */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d, best;
	size_t *base, *row, *prev, *prev2, *t;

	if (la > 64 || lb > 64)
		return (size_t)-1;
	if ((base = calloc(3 * (lb + 1), sizeof(*base))) == NULL)
		return (size_t)-1;
	row = base;
	prev = row + lb + 1;
	prev2 = prev + lb + 1;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			best = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			row[j] = best;
		}
		t = prev2;
		prev2 = prev;
		prev = row;
		row = t;
	}
	d = prev[lb];
	free(base);
	return d;
}

/* Near enough: two edits at most, and fewer than half the word's length. */
const char *
nearest(const char *word, const char *const *cands, size_t n)
{
	size_t i, d, best = (size_t)-1, len = strlen(word);
	const char *pick = NULL;

	for (i = 0; i < n; i++) {
		d = distance(word, cands[i]);
		if (d < best) {
			best = d;
			pick = cands[i];
		}
	}
	if (pick == NULL || best > 2 || best * 2 >= len)
		return NULL;
	return pick;
}

const char *
shown(const char *word)
{
	static char buf[4][84];
	static int next;
	char *out = buf[next++ % 4];
	size_t i;

	for (i = 0; word[i] != '\0' && i < 80; i++)
		out[i] = (unsigned char)word[i] < 0x20 || word[i] == 0x7f ?
		    '?' : word[i];
	out[i] = '\0';
	if (word[i] != '\0')
		strlcat(out, "...", sizeof(buf[0]));
	return out;
}

int
verb_getopt(int argc, char *argv[], const char *opts, const char *verb)
{
	int ch;

	opterr = 0;
	if ((ch = getopt(argc, argv, opts)) != '?')
		return ch;
	if (optopt == 'R')
		warnx("%s -R: options of the tool go before the verb", verb);
	else if (optopt != 0 && strchr(opts, optopt) != NULL)
		warnx("%s -%c: needs a value", verb, optopt);
	else
		warnx("%s: unknown option -%c", verb, optopt ? optopt : '?');
	return '?';
}

static void __attribute__((__noreturn__))
bad_usage(const struct verb *verbs, const char *lead)
{
	verb_usage(stderr, verbs, lead, NULL);
	exit(FWCONF_USAGE);
}

static void __attribute__((__noreturn__))
unknown_verb(const struct verb *verbs, const char *lead, const char *word)
{
	const char *names[64], *near;
	size_t n = 0;
	const struct verb *v;

	for (v = verbs; v->name != NULL && n < 64; v++)
		if (!(v->flags & VERB_HIDDEN))
			names[n++] = v->name;
	near = nearest(word, names, n);
	if (near != NULL)
		warnx("unknown verb '%s'; did you mean '%s'?", shown(word), near);
	else
		warnx("unknown verb '%s'", shown(word));
	bad_usage(verbs, lead);
}

/* The first word of a synopsis, brackets off: "key" of "[key ...]". */
static void
first_operand(const char *args, char *buf, size_t size)
{
	size_t n;

	args += strspn(args, "[");
	n = strcspn(args, " ]|");
	if (n >= size)
		n = size - 1;
	memcpy(buf, args, n);
	buf[n] = '\0';
}

int
verb_dispatch(const struct verb *verbs, const char *lead, int argc,
    char *argv[])
{
	const struct verb *v;
	char noun[64];
	int i, n;

	if (argc < 1) {
		warnx("a verb is missing");
		bad_usage(verbs, lead);
	}
	if ((v = verb_find(verbs, argv[0])) == NULL)
		unknown_verb(verbs, lead, argv[0]);
	argv[0] = (char *)getprogname();
	if (v->flags & VERB_OPTIONS) {
		/* The verb's getopt names the tool, not the verb. */
		optind = 1;
		return v->run(argc, argv);
	}
	/* `--` ends the options: what follows is an operand, whatever it is. */
	if (argc > 1 && strcmp(argv[1], "--") == 0) {
		argv[1] = argv[0];
		argv++;
		argc--;
	} else
		for (i = 1; i < argc; i++)
			if (argv[i][0] == '-' && argv[i][1] != '\0') {
				warnx("%s %s: options go before the verb (or "
				    "end them with --)", v->name,
				    shown(argv[i]));
				bad_usage(verbs, lead);
			}
	n = argc - 1;
	if (n < v->min) {
		first_operand(v->args, noun, sizeof(noun));
		warnx("%s: %s %s is missing", v->name,
		    strchr("aeiou", noun[0]) != NULL ? "an" : "a", noun);
		bad_usage(verbs, lead);
	}
	if (v->max >= 0 && n > v->max) {
		if (v->max == 0)
			warnx("%s takes no operand", v->name);
		else
			warnx("%s: too many operands (%s %s)", v->name,
			    v->name, v->args);
		bad_usage(verbs, lead);
	}
	return v->run(argc, argv);
}
