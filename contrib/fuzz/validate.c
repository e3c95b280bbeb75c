/*
 * validate.c: fuzz every validator, fwconf_validate (lib/validate.c).
 *
 * The first input byte makes the key: its low four bits the type (every
 * enum fwconf_type), bit 4 empty_ok, the top three bits one of the min/max
 * pairs below (int range; string: max length).  The rest, cut at its first
 * NUL, is the value.  When the value validates:
 *  - its normal form passes fwconf_value_ok;
 *  - validating the normal form again gives the same normal form;
 *  - it is what its type promises: yes or no, an int in [min, max], one
 *    word of an enum's values, an allowed port.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwconf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct {
	long long min, max;
} ranges[8] = {
	{ 0, 0 }, { 1, 100 }, { -50, 50 }, { LLONG_MIN, LLONG_MAX },
	{ 0, 65535 }, { 1, 8 }, { -999999999999999999LL, 999999999999999999LL },
	{ 5, 5 },
};

static void __attribute__((noreturn))
broken(const struct fwconf_key *k, const char *what, const char *in,
    const char *out)
{
	fprintf(stderr, "fuzz validate: %s (empty %d, min %lld, max %lld): "
	    "%s: '%s' -> '%s'\n", fwconf_type_name(k->type), k->empty_ok,
	    k->min, k->max, what, in, out != NULL ? out : "(null)");
	abort();
}

/* What the normal form of each type promises beyond the syntax. */
static void
check_shape(const struct fwconf_key *k, const char *in, const char *norm)
{
	long long n;
	char *end;

	if (*norm == '\0') {
		if (!k->empty_ok)
			broken(k, "empty, but the key may not be", in, norm);
		return;
	}
	switch (k->type) {
	case FWCONF_BOOL:
		if (strcmp(norm, "yes") != 0 && strcmp(norm, "no") != 0)
			broken(k, "a bool not yes or no", in, norm);
		break;
	case FWCONF_INT:
		n = strtoll(norm, &end, 10);
		if (*end != '\0' || n < k->min || n > k->max)
			broken(k, "an int out of range", in, norm);
		break;
	case FWCONF_PORT:
		n = strtoll(norm, &end, 10);
		if (*end != '\0' || n < 1 || n > 65535 ||
		    fwconf_list_has(k->reserved, norm))
			broken(k, "a port not allowed", in, norm);
		break;
	case FWCONF_ENUM:
		if (strchr(norm, ' ') != NULL ||
		    !fwconf_list_has(k->values, norm))
			broken(k, "not one of the enum's values", in, norm);
		break;
	default:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fwconf_key k;
	struct fwconf_err e;
	char *v, *norm, *again;

	if (size == 0)
		return 0;
	memset(&k, 0, sizeof(k));
	k.name = "k";
	k.type = (enum fwconf_type)(data[0] & 0x0f);
	k.empty_ok = (data[0] & 0x10) != 0;
	k.min = ranges[data[0] >> 5].min;
	k.max = ranges[data[0] >> 5].max;
	k.values = "off ttyS0 ttyS1 a-b";
	k.reserved = "21 22 25 3128";
	k.def = "";
	k.label = k.help = "fuzz";

	if ((v = malloc(size)) == NULL)
		return 0;
	memcpy(v, data + 1, size - 1);
	v[size - 1] = '\0';

	if ((norm = fwconf_validate(&k, v, &e)) != NULL) {
		if (!fwconf_value_ok(norm, &e, k.name))
			broken(&k, "the normal form fails fwconf_value_ok", v,
			    norm);
		check_shape(&k, v, norm);
		if ((again = fwconf_validate(&k, norm, &e)) == NULL)
			broken(&k, "the normal form does not validate", v,
			    e.msg);
		if (strcmp(again, norm) != 0)
			broken(&k, "normalising twice changes it", norm, again);
		free(again);
		free(norm);
	} else if (e.msg[0] == '\0' || (e.status != FWCONF_REFUSED &&
	    e.status != FWCONF_SYSTEM))
		broken(&k, "refused without a message", v, NULL);
	free(v);
	return 0;
}
