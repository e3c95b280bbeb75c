/*
 * fw-svc: the running services of the firewall (the manual's "Laufende
 * Dienste"), its name and its networks: ROOT/etc/mpfw/services.  The
 * files it renders are written by bin/render/DAEMON.c; this file keeps
 * the tool and its rules between keys.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "kv.h"
#include "render/render.h"

/*
 * The firewall's own name is always in the local DNS, so it may not also
 * be a DNS entry of fw-dns.  On a set the table is read only when the
 * name changes: it may hold a hundred thousand entries.
 */
static int
check_hostname(const struct fwconf_settings *s, bool all,
    struct fwconf_err *e)
{
	const char *name = render_get(s, "hostname");
	struct fwconf_table dns;
	char path[PATH_MAX];
	int r = 0;

	if (!all && !fwconf_settings_changed(s, "hostname"))
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

static const struct kv_render renders[] = {
	/* NTP, fail2ban, arpwatch, the Nagios agent, serial console, SMART */
	{ "chrony", render_chrony_conf },
	{ "fail2ban", render_fail2ban_local },
	{ "fail2ban-jails", render_fail2ban_jails },
	{ "arpwatch", render_arpwatch_default },
	{ "nrpe", render_nrpe_cfg },
	{ "nrpe-sudoers", render_nrpe_sudoers },
	{ "inittab", render_inittab },
	{ "smartd", render_smartd_conf },
	{ "smartd-default", render_smartd_default },
	{ "dnsmasq", render_dnsmasq_conf },
	{ "sshd", render_sshd_config },
	{ NULL, NULL }
};

static const struct kv_tool svc = {
	.schema = "services",
	.renders = renders,
	.check = check_hostname,
};

int
main(int argc, char *argv[])
{
	return kv_main(&svc, argc, argv);
}
