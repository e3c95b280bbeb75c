/*
 * dnsmasq.c: what mpfw writes for dnsmasq, the DNS server of the internal
 * net: its configuration (fw-svc render dnsmasq) and the local DNS
 * entries as an addn-hosts file (fw-dns render), which a SIGHUP re-reads.
 */
#include "render.h"

/*
 * With dns_txt=no, filter-rr drops TXT records from forwarded answers;
 * the query is still forwarded and answered NOERROR with no records.
 */
int
render_dnsmasq_conf(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	const char *domain = render_get(s, "domain");

	if (render_root_ok(e) == -1)
		return -1;
	render_header(out, "fw-svc render dnsmasq", "/etc/mpfw/services");
	fprintf(out, "port=%s\n", render_get(s, "dns_port"));
	fprintf(out, "listen-address=%s\n", render_get(s, "lan_ip"));
	fprintf(out, "bind-interfaces\n");
	fprintf(out, "domain=%s\n", domain);
	fprintf(out, "local=/%s/\n", domain);
	fprintf(out, "domain-needed\nbogus-priv\nno-hosts\n");
	fprintf(out, "addn-hosts=%s%s\n", fwconf_root(), DNSMASQ_HOSTS);
	if (!render_yes(s, "dns_txt"))
		fprintf(out, "filter-rr=TXT\n");
	return 0;
}

/*
 * The first line naming an address decides its reverse lookup, and the
 * first name on a line is the canonical one: the firewall's own line
 * comes first, and every line leads with the full name.
 */
void
render_dnsmasq_hosts_head(const struct dns_firewall *fw, FILE *out)
{
	render_header(out, "fw-dns render", "/etc/mpfw/dns");
	fprintf(out, "%s\t%s.%s %s\n", fw->lan_ip, fw->hostname, fw->domain,
	    fw->hostname);
}

/* One entry; an empty address makes the name an alias of the firewall. */
void
render_dnsmasq_host(const struct dns_firewall *fw, const char *name,
    const char *addr, FILE *out)
{
	fprintf(out, "%s\t%s.%s %s\n", *addr ? addr : fw->lan_ip, name,
	    fw->domain, name);
}
