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
	{ "dnsmasq", render_dnsmasq_conf },
	{ "sshd", render_sshd_config },
	/* mail, the user interface, FTP, IRC and MySQL */
	{ "dovecot", render_dovecot_conf },
	{ "vsftpd", render_vsftpd_conf },
	{ "vsftpd-pam", render_vsftpd_pam },
	{ "ftpupload", render_ftpupload },
	{ "ngircd", render_ngircd_conf },
	{ "mariadb", render_mariadb_cnf },
	{ "mariadb-root", render_mariadb_root },
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
	{ NULL, NULL }
};

/*
 * The MySQL root password is kept as the hash the server needs, never as
 * typed (fw-svc(1), "What is kept where").
 */
static char *
keep_secret(const struct fwconf_key *k, const char *typed,
    struct fwconf_err *e)
{
	char hash[MARIADB_HASH_SIZE], *kept;

	if (strcmp(k->name, "mysql_root_password") != 0)
		kept = strdup(typed);
	else {
		mariadb_native_hash(typed, hash);
		kept = strdup(hash);
		explicit_bzero(hash, sizeof(hash));
	}
	if (kept == NULL)
		fwconf_fail_errno(e, "%s", k->name);
	return kept;
}

static const struct kv_tool svc = {
	.schema = "services",
	.renders = renders,
	.check = check_hostname,
	.keep_secret = keep_secret,
};

int
main(int argc, char *argv[])
{
	return kv_main(&svc, argc, argv);
}
