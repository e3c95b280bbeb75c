/*
 * nftables.c: the redirects of the transparent proxies (fw-proxy render
 * proxy-redirect), an nftables table of mpfw's own, inet mpfw_proxy,
 * which also keeps everyone but the proxies' clients away from the FTP
 * proxy, which has no access control of its own.
 * `nft -f` loads the file as one transaction: it makes the table if it
 * is missing, so that deleting it cannot fail, deletes it and makes it
 * anew.  No other table is ever named, so none is touched.  With no
 * redirect on and the FTP proxy off, the file only removes the table.
 *
 * A redirected connection is sent to lan_ip, where the proxy's intercept
 * port listens; connections to the firewall's own addresses (its web
 * server of the PAC file, say) are left alone.  lan_ip is an IPv4
 * address, so only the IPv4 internal networks are redirected, and the FTP
 * proxy listens on IPv4 alone.
 */
#include <stdlib.h>
#include <string.h>

#include "render.h"

/*
 * The redirects: the key that turns one on (any value but off or no),
 * the port redirected and the key of the port it goes to.
 */
static const struct redirect {
	const char *key, *dport, *to_key;
} redirects[] = {
	{ "transparent", "80", "transparent_port" },
	{ "ftp_transparent", "21", "ftp_proxy_port" },
};

static int
redirect_on(const struct fwconf_settings *p, const struct redirect *r)
{
	const char *v = render_get(p, r->key);

	return strcmp(v, "off") != 0 && strcmp(v, "no") != 0;
}

/* How many IPv4 networks nets has; with out, they are written there. */
static int
ipv4_nets(const char *nets, FILE *out)
{
	const char *w;
	size_t len;
	int n = 0;

	while ((w = render_word(&nets, &len)) != NULL) {
		if (memchr(w, ':', len) != NULL)
			continue;
		if (out != NULL)
			fprintf(out, "%s%.*s", n ? ", " : "", (int)len, w);
		n++;
	}
	return n;
}

/*
 * Connections to the FTP proxy from anyone but the proxies' clients are
 * dropped before they reach it.
 */
static int
ftp_filter(const struct fwconf_settings *p, const struct fwconf_settings *svc,
    FILE *out, struct fwconf_err *e)
{
	char *clients;

	if ((clients = render_proxy_clients(p, svc)) == NULL)
		return fwconf_fail_errno(e, "proxy-redirect");
	fprintf(out, "\tchain input {\n");
	fprintf(out, "\t\ttype filter hook input priority filter; "
	    "policy accept;\n");
	fprintf(out, "\t\tip daddr %s tcp dport %s ", render_get(svc, "lan_ip"),
	    render_get(p, "ftp_proxy_port"));
	if (ipv4_nets(clients, NULL) > 0) {
		fprintf(out, "ip saddr != { ");
		ipv4_nets(clients, out);
		fprintf(out, " } ");
	}
	fprintf(out, "drop\n\t}\n");
	free(clients);
	return 0;
}

int
render_nft_proxy(const struct fwconf_settings *p,
    const struct fwconf_settings *svc, FILE *out, struct fwconf_err *e)
{
	const char *nets = render_get(svc, "lan_nets");
	const int ftp = render_yes(p, "ftp_proxy");
	size_t i, n = 0;

	render_header(out, "fw-proxy render proxy-redirect",
	    "/etc/mpfw/proxy and /etc/mpfw/services");
	fprintf(out, "table inet %s\ndelete table inet %s\n", NFT_PROXY_TABLE,
	    NFT_PROXY_TABLE);
	for (i = 0; i < sizeof(redirects) / sizeof(redirects[0]); i++)
		if (redirect_on(p, &redirects[i]))
			n++;
	if (ipv4_nets(nets, NULL) == 0)
		n = 0;
	if (n == 0 && !ftp)
		return 0;
	fprintf(out, "table inet %s {\n", NFT_PROXY_TABLE);
	if (ftp && ftp_filter(p, svc, out, e) == -1)
		return -1;
	if (n == 0) {
		fprintf(out, "}\n");
		return 0;
	}
	fprintf(out, "\tchain prerouting {\n");
	fprintf(out, "\t\ttype nat hook prerouting priority dstnat; "
	    "policy accept;\n");
	for (i = 0; i < sizeof(redirects) / sizeof(redirects[0]); i++) {
		if (!redirect_on(p, &redirects[i]))
			continue;
		fprintf(out, "\t\tip saddr { ");
		ipv4_nets(nets, out);
		fprintf(out, " } tcp dport %s fib daddr type != local "
		    "dnat ip to %s:%s\n", redirects[i].dport,
		    render_get(svc, "lan_ip"),
		    render_get(p, redirects[i].to_key));
	}
	fprintf(out, "\t}\n}\n");
	return 0;
}
