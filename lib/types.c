/* types.c: the names of the value types, as schemas spell them. */
#include <string.h>

#include "fwconf.h"

static const char *const type_names[] = {
	[FWCONF_BOOL] = "bool", [FWCONF_INT] = "int", [FWCONF_PORT] = "port",
	[FWCONF_PORTLIST] = "portlist", [FWCONF_ENUM] = "enum",
	[FWCONF_IPV4] = "ipv4", [FWCONF_IPV6] = "ipv6", [FWCONF_IP] = "ip",
	[FWCONF_CIDR] = "cidr", [FWCONF_CIDRLIST] = "cidrlist",
	[FWCONF_HOSTNAME] = "hostname", [FWCONF_FQDN] = "fqdn",
	[FWCONF_EMAIL] = "email", [FWCONF_URL] = "url",
	[FWCONF_STRING] = "string", [FWCONF_SECRET] = "secret",
	[FWCONF_HOST] = "host",
	[FWCONF_HOSTLIST] = "hostlist",
};

const char *
fwconf_type_name(enum fwconf_type t)
{
	return (size_t)t < sizeof(type_names) / sizeof(type_names[0]) ?
	    type_names[t] : "?";
}

int
fwconf_type_from_name(const char *s, enum fwconf_type *t)
{
	size_t i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(s, type_names[i]) == 0) {
			*t = (enum fwconf_type)i;
			return 0;
		}
	return -1;
}
