/*
 * dnsmasq.c: what mpfw writes for dnsmasq, the DNS server of the internal
 * net: its configuration (fw-svc render dnsmasq) and the local DNS
 * entries (fw-dns render): a hosts directory of DNSMASQ_SHARDS files,
 * which dnsmasq watches and re-reads one by one, keeping its cache, or,
 * for a table too large for that, one addn-hosts file re-read on SIGHUP.
 */
#include <stdint.h>
#include <string.h>

#include "render.h"

/*
 * fw-proxy's automatic proxy configuration (auto_proxy): the URL of the
 * PAC file as DHCP option 252, and the name wpad in the local domain for
 * the clients that look for it in the DNS.  The proxy's settings are read
 * here, so the dnsmasq unit names proxy among its inputs.
 */
static int
render_dnsmasq_wpad(const char *domain, const char *lan_ip, FILE *out,
    struct fwconf_err *e)
{
	static const char *const keys[] = { "auto_proxy",
	    "auto_proxy_http_port" };
	struct fwconf_settings p;
	char url[128];
	const char *bad;
	size_t i;
	int r = 0;

	if (fwconf_settings_open(&p, fwconf_schema_builtin("proxy"), e) == -1)
		return -1;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && r == 0; i++)
		if ((bad = fwconf_settings_invalid(&p,
		    fwconf_key_find(p.schema, keys[i]))) != NULL)
			r = fwconf_fail(e, FWCONF_REFUSED, "proxy: %s", bad);
	if (r == 0 && render_yes(&p, "auto_proxy")) {
		render_pac_url(url, sizeof(url), lan_ip,
		    render_get(&p, "auto_proxy_http_port"));
		fprintf(out, "dhcp-option=252,\"%s\"\n", url);
		fprintf(out, "host-record=wpad.%s,wpad,%s\n", domain, lan_ip);
	}
	fwconf_settings_close(&p);
	return r;
}

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
	/* The entries: a directory dnsmasq watches (inotify), and the one
	 * file of a table too large for it (fw-dns render bulk). */
	fprintf(out, "addn-hosts=%s%s\n", fwconf_root(), DNSMASQ_HOSTS);
	fprintf(out, "hostsdir=%s%s\n", fwconf_root(), DNSMASQ_HOSTSDIR);
	if (!render_yes(s, "dns_txt"))
		fprintf(out, "filter-rr=TXT\n");
	return render_dnsmasq_wpad(domain, render_get(s, "lan_ip"), out, e);
}

/* FNV-1a of a name or an address: which file of the hosts directory a
 * line goes to (fw-dns render says which of the two it hashes). */
uint32_t
render_dnsmasq_shard_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

int
render_dnsmasq_shard(const char *s, size_t len)
{
	return (int)(render_dnsmasq_shard_hash(s, len) % DNSMASQ_SHARDS);
}

static void
firewall_line(const struct dns_firewall *fw, FILE *out)
{
	fprintf(out, "%s\t%s.%s %s\n", fw->lan_ip, fw->hostname, fw->domain,
	    fw->hostname);
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
	firewall_line(fw, out);
}

/* The one file of a table too large for the hosts directory. */
void
render_dnsmasq_bulk_head(const struct dns_firewall *fw, bool entries,
    FILE *out)
{
	render_header(out, "fw-dns render bulk", "/etc/mpfw/dns");
	if (entries)
		firewall_line(fw, out);
	else
		fprintf(out, "# At most %d entries: they are in %s.\n",
		    DNSMASQ_HOSTSDIR_MAX, DNSMASQ_HOSTSDIR);
}

/* A file of the hosts directory; the firewall's line heads the one of
 * its address. */
void
render_dnsmasq_shard_head(const struct dns_firewall *fw, int shard,
    bool own, bool big, FILE *out)
{
	char cmd[32];

	snprintf(cmd, sizeof(cmd), "fw-dns render %02d", shard);
	render_header(out, cmd, "/etc/mpfw/dns");
	if (big)
		fprintf(out, "# More than %d entries: they are all in %s.\n",
		    DNSMASQ_HOSTSDIR_MAX, DNSMASQ_HOSTS);
	else if (own)
		firewall_line(fw, out);
}

/* One entry; an empty address makes the name an alias of the firewall. */
size_t
render_dnsmasq_host(const struct dns_firewall *fw, const char *name,
    size_t nlen, const char *addr, size_t alen, char *buf)
{
	char *p = buf;

	if (alen == 0) {
		addr = fw->lan_ip;
		alen = fw->lan_ip_len;
	}
	memcpy(p, addr, alen);
	p += alen;
	*p++ = '\t';
	memcpy(p, name, nlen);
	p += nlen;
	*p++ = '.';
	memcpy(p, fw->domain, fw->domain_len);
	p += fw->domain_len;
	*p++ = ' ';
	memcpy(p, name, nlen);
	p += nlen;
	*p++ = '\n';
	return (size_t)(p - buf);
}
