/*
 * value.c: fuzz the value syntax of fwconf(5), lib/value.c.
 *
 * The input, cut at its first NUL, is a value as written in a file and a
 * value as a tool would store it:
 *  - fwconf_unquote never crashes; what it decodes is no longer than its
 *    input, and quoting that gives it back;
 *  - a value that passes fwconf_value_ok comes back byte for byte from
 *    fwconf_unquote(fwconf_quote(value)), and is written bare only when
 *    fwconf_is_bare says it may be.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwconf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void __attribute__((noreturn))
broken(const char *what, const char *in, const char *out)
{
	fprintf(stderr, "fuzz value: %s: '%s' -> '%s'\n", what, in,
	    out != NULL ? out : "(null)");
	abort();
}

/* quote, then unquote: must give v back. */
static void
round_trip(const char *v)
{
	const char *why;
	char *q, *u;

	if ((q = fwconf_quote(v)) == NULL)
		abort();
	if (q[0] != '\'' && (*v == '\0' || !fwconf_is_bare(v) ||
	    strcmp(q, v) != 0))
		broken("written bare but needs quotes", v, q);
	if (fwconf_unquote(q, &u, &why) == -1)
		broken(why != NULL ? why : "ENOMEM", v, q);
	if (strcmp(u, v) != 0)
		broken("quote then unquote changed the value", v, u);
	free(u);
	free(q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fwconf_err e;
	const char *why;
	char *in, *out;

	if ((in = malloc(size + 1)) == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';

	if (fwconf_unquote(in, &out, &why) == 0) {
		if (strlen(out) > strlen(in))
			broken("unquote made the value longer", in, out);
		round_trip(out);
		free(out);
	} else if (why == NULL)
		broken("unquote failed without a reason", in, NULL);

	if (fwconf_value_ok(in, &e, "fuzz"))
		round_trip(in);
	free(in);
	return 0;
}
