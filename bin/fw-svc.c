/*
 * fw-svc: the running services of the firewall (the manual's "Laufende
 * Dienste"), its name and its networks: ROOT/etc/mpfw/services.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "kv.h"

static bool
changing(const struct fwconf_settings *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nchanges; i++)
		if (strcmp(s->changes[i].key, key) == 0)
			return true;
	return false;
}

/*
 * The firewall's own name is always in the local DNS, so it may not also
 * be a DNS entry of fw-dns.  The table is read only when the name changes:
 * it may hold a hundred thousand entries.
 */
static int
check_hostname(const struct fwconf_settings *s, struct fwconf_err *e)
{
	const struct fwconf_key *k = fwconf_key_find(s->schema, "hostname");
	const char *name = fwconf_settings_get(s, k);
	struct fwconf_table dns;
	char path[PATH_MAX];
	int r = 0;

	if (!changing(s, "hostname"))
		return 0;
	if (fwconf_settings_path(path, sizeof(path), "dns") == -1)
		return fwconf_fail_errno(e, "dns");
	if (fwconf_table_read(&dns, path, e) == -1)
		r = -1;
	else if (fwconf_table_find(&dns, name) != -1)
		r = fwconf_fail(e, FWCONF_REFUSED, "hostname=%s: a DNS entry "
		    "of that name exists (fw-dns list %s)", name, name);
	fwconf_table_free(&dns);
	return r;
}

static const struct kv_tool svc = {
	.schema = "services",
	.units = NULL,
	.render = NULL,
	.check = check_hostname,
};

int
main(int argc, char *argv[])
{
	return kv_main(&svc, argc, argv);
}
