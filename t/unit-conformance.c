/*
 * unit-conformance: the library half of t/0060-conformance.t.  Reads
 * conformance vectors (t/conformance/README) on stdin and validates each
 * input with a key of the given type, as fwconf_validate does for every
 * tool; prints one line per vector, the input as written, a tab, ok or
 * refused, a tab, the normal form or "-".  The test compares that with
 * the vectors' own verdicts and normal forms.
 *
 * usage: unit-conformance type [local] < vectors
 *
 * With "local", the key takes local mail addresses (schema "local").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwconf.h"

/*
 * The input field's escapes, those of printf(1) %b, so that the shell
 * half decodes it the same way: \\ \a \b \f \n \r \t \v and \0NNN.
 */
static void
decode(const char *in, char *out)
{
	static const char from[] = "\\abfnrtv", to[] = "\\\a\b\f\n\r\t\v";
	const char *p;
	int i, c;

	while (*in != '\0') {
		if (*in != '\\' || in[1] == '\0') {
			*out++ = *in++;
			continue;
		}
		if (in[1] == '0') {
			in += 2;
			for (c = 0, i = 0; i < 3 && *in >= '0' && *in <= '7'; i++)
				c = c * 8 + (*in++ - '0');
			*out++ = (char)c;
		} else if ((p = strchr(from, in[1])) != NULL) {
			*out++ = to[p - from];
			in += 2;
		} else
			*out++ = *in++;
	}
	*out = '\0';
}

int
main(int argc, char *argv[])
{
	struct fwconf_key k = { .name = "k", .label = "", .help = "",
	    .def = "" };
	struct fwconf_err e;
	char *line = NULL, *value, *norm;
	size_t cap = 0;
	ssize_t len;

	if (argc < 2 || argc > 3 || fwconf_type_from_name(argv[1], &k.type) ||
	    (argc == 3 && strcmp(argv[2], "local") != 0)) {
		fprintf(stderr, "usage: unit-conformance type [local]\n");
		return 2;
	}
	k.local = argc == 3;
	while ((len = getline(&line, &cap, stdin)) != -1) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		line[strcspn(line, "\t")] = '\0';
		if ((value = malloc(strlen(line) + 1)) == NULL)
			return 3;
		decode(line, value);
		if ((norm = fwconf_validate(&k, value, &e)) != NULL)
			printf("%s\tok\t%s\n", line, norm);
		else if (e.status == FWCONF_REFUSED)
			printf("%s\trefused\t-\n", line);
		else
			printf("%s\tfailed: %s\t-\n", line, e.msg);
		free(norm);
		free(value);
	}
	free(line);
	return ferror(stdin) || fflush(stdout) == EOF ? 3 : 0;
}
