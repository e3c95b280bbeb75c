/* lookup.c: find a key of a schema. */
#include <string.h>

#include "fwconf.h"

const struct fwconf_key *
fwconf_key_find(const struct fwconf_schema *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nkeys; i++)
		if (strcmp(s->keys[i].name, name) == 0)
			return &s->keys[i];
	return NULL;
}
