/*
 * ngircd.c: what mpfw writes into ngircd.conf (fw-svc render ngircd):
 * the IRC server of the internal networks, on lan_ip port 6667, named
 * after the firewall.  ngIRCd has no quoting (it would keep the quotes
 * in the name): every value here is a name or an address of the schema,
 * never spaces or a line break.
 */
#include "render.h"

int
render_ngircd_conf(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	const char *host = render_get(s, "hostname");
	const char *domain = render_get(s, "domain");

	(void)e;
	render_header(out, "fw-svc render ngircd", "/etc/mpfw/services");
	fprintf(out, "[Global]\n"
	    "\tName = %s.%s\n"
	    "\tInfo = IRC server of %s.%s\n"
	    "\tAdminInfo1 = %s.%s\n"
	    "\tAdminInfo2 = the internal networks\n"
	    "\tAdminEMail = root@%s.%s\n",
	    host, domain, host, domain, host, domain, host, domain);
	fprintf(out, "\tListen = %s\n\tPorts = 6667\n",
	    render_get(s, "lan_ip"));
	fprintf(out, "\tMotdPhrase = Welcome to %s.%s\n"
	    "\tPidFile = /run/ngircd/ngircd.pid\n"
	    "\tServerUID = irc\n\tServerGID = irc\n", host, domain);
	fprintf(out, "[Options]\n"
	    "\t# The clients are on the internal networks: no lookups.\n"
	    "\tDNS = no\n\tIdent = no\n\tPAM = no\n");
	return 0;
}
