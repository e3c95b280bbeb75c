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

/*
 * fail2ban's sendmail action puts the address into a shell command in
 * double quotes, where $ and ` are not data; the mail syntax allows both.
 */
static int
check_fail2ban_mail(const struct fwconf_settings *s, bool all,
    struct fwconf_err *e)
{
	const char *mail = render_get(s, "fail2ban_mail");

	if (!all && !fwconf_settings_changed(s, "fail2ban_mail"))
		return 0;
	if (strpbrk(mail, "$`") != NULL)
		return fwconf_fail(e, FWCONF_REFUSED, "fail2ban_mail=%.80s: "
		    "fail2ban hands the address to a shell, where $ and ` "
		    "are not data", mail);
	return 0;
}

static int
check(const struct fwconf_settings *s, bool all, struct fwconf_err *e)
{
	if (check_hostname(s, all, e) == -1 ||
	    check_fail2ban_mail(s, all, e) == -1)
		return -1;
	return 0;
}

static const struct kv_render renders[] = {
	/* NTP, fail2ban, arpwatch, the Nagios agent, serial console, SMART */
	{ "chrony", render_chrony_conf },
	{ "fail2ban", render_fail2ban_local },
	{ "fail2ban-jails", render_fail2ban_jails },
	{ "arpwatch", render_arpwatch_default },
	{ "nrpe", render_nrpe_cfg },
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
	.check = check,
};

int
main(int argc, char *argv[])
{
	return kv_main(&svc, argc, argv);
}
